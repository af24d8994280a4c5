// The whole Loyalty service in one resource group: storage (tables, queues, deployment
// package), a Flex Consumption function app that reaches everything with one user-assigned
// identity, Key Vault for the secrets, Log Analytics and Application Insights.
// Shaped like Azure-Samples/functions-quickstart-dotnet-azd (subscription scope, a resource
// group per azd environment, modules under app/ and core/), with plain resources instead of
// registry modules so that `bicep build` works offline.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it names the resource group and seeds the unique suffix of every resource.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the person (or pipeline) deploying; gets Key Vault Secrets Officer so it can set the shop secrets. Leave empty to skip.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
@description('Kind of principal that principalId names.')
param principalType string = 'User'

@description('Name of the resource group; defaults to rg-{environmentName}.')
param resourceGroupName string = ''

// Secrets. azd passes every one (main.parameters.json: the vault's current value, or a random
// one the first time). A plain `az deployment` writes those it is given and keeps the rest; on
// its first run, createMissingSecrets=true writes a random value into each one not given, so
// every Key Vault reference of the app resolves (the app refuses to start on one that does not).
@secure()
@description('Key for adjustments, jobs and /api/admin/*, as the x-functions-key header only.')
param adminKey string = ''

@secure()
@description('Key for member reads, redemptions and benefit uses (the storefront\'s key); cannot mint points.')
param storefrontKey string = ''

@secure()
@description('Secret that signs generic API calls (X-Loyalty-Signature).')
param apiSigningSecret string = ''

@secure()
@description('The API signing secret being replaced, accepted alongside it during a rotation.')
param apiPreviousSigningSecret string = ''

@secure()
@description('Shopify webhook signing secret (the app\'s client secret); may be set later with az keyvault secret set.')
param shopifyWebhookSecret string = ''

@secure()
@description('The Shopify secret being replaced, accepted alongside it during a rotation.')
param shopifyPreviousWebhookSecret string = ''

@secure()
@description('WooCommerce webhook secret; may be set later with az keyvault secret set.')
param wooCommerceWebhookSecret string = ''

@secure()
@description('The WooCommerce secret being replaced, accepted alongside it during a rotation.')
param wooCommercePreviousWebhookSecret string = ''

@secure()
@description('SMTP password for member messages; may be set later with az keyvault secret set.')
param smtpPassword string = ''

@secure()
@description('Key of the member directory\'s keyed hash for e-mail, phone and order lookups; changing it orphans the lookup rows.')
param directoryKey string = ''

@secure()
@description('Key of X-Loyalty-Signature on the outbound message webhook; may be set later with az keyvault secret set.')
param messageWebhookSecret string = ''

@secure()
@description('Key that signs the unsubscribe and member-page links in messages.')
param messagingLinkSecret string = ''

@secure()
@description('The Shopify custom app\'s Admin API access token (discounts for redemptions); may be set later with az keyvault secret set.')
param shopifyAccessToken string = ''

@secure()
@description('WooCommerce REST API consumer key (coupons for redemptions); may be set later with az keyvault secret set.')
param wooCommerceConsumerKey string = ''

@secure()
@description('WooCommerce REST API consumer secret; may be set later with az keyvault secret set.')
param wooCommerceConsumerSecret string = ''

@secure()
@description('Key of X-Loyalty-Signature on the outbound reward.redeemed webhook; may be set later with az keyvault secret set.')
param rewardWebhookSecret string = ''

@secure()
@description('Key that signs the links to the member\'s own page (/api/member-page/{memberId}); a new key ends every link made with the old one.')
param memberPageLinkSecret string = ''

@description('SMTP server for member e-mail (empty: no e-mail). Port, security, account and sender below.')
param smtpHost string = ''
param smtpPort int = 587
@allowed(['None', 'StartTls', 'SslOnConnect'])
param smtpSecurity string = 'StartTls'
param smtpUserName string = ''
param smtpFrom string = ''
param smtpFromName string = ''

@description('Where each member message is also POSTed, signed (empty: no webhook).')
param messageWebhookUrl string = ''

@description('Discounts for redemptions: the Shopify shop (https://{shop}.myshopify.com), its Admin API version, the WooCommerce store, the reward.redeemed webhook (each empty: that channel off).')
param shopifyShopUrl string = ''
param shopifyAdminApiVersion string = '2025-01'
param wooCommerceStoreUrl string = ''
param rewardWebhookUrl string = ''

@description('The shop name and postal address every message carries.')
param shopName string = 'Our shop'
param shopAddress string = ''

@description('First plain deployment only: write a random value into every secret not given. A later run with it replaces the secrets set since.')
param createMissingSecrets bool = false

@description('Private endpoints for storage and Key Vault, with the function app integrated into a new virtual network, and public network access of both turned off. Off by default: a Flex Consumption app without a virtual network needs it.')
param privateNetworking bool = false

@description('With privateNetworking: public IPv4 addresses still allowed to reach Key Vault (the deployer\'s, so azd can read the secrets back).')
param keyVaultAllowedIpAddresses array = []

@minValue(1)
@maxValue(1000)
@description('Most instances the function app may scale out to; caps the bill if a shop is flooded.')
param maximumInstanceCount int = 40

// The program (Loyalty__Program__*); the defaults are the demo program's.
@description('ISO 4217 currency of the shop.')
param programCurrency string = 'USD'

@description('Points per whole currency unit of merchandise.')
param programEarnRate string = '1'

@allowed([
  'Down'
  'Nearest'
  'Up'
])
param programRounding string = 'Down'

@minValue(0)
@description('Days points stay spendable (0: never expire).')
param programPointsLifetimeDays int = 365

@minValue(0)
param programSignUpBonus int = 50

param programAllowNegativeBalance bool = false

@description('IANA time zone that decides the program\'s days.')
param programTimeZone string = 'America/New_York'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = 'func-api-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    privateNetworking: privateNetworking
  }
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module keyVault 'core/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    adminKey: adminKey
    storefrontKey: storefrontKey
    apiSigningSecret: apiSigningSecret
    apiPreviousSigningSecret: apiPreviousSigningSecret
    shopifyWebhookSecret: shopifyWebhookSecret
    shopifyPreviousWebhookSecret: shopifyPreviousWebhookSecret
    wooCommerceWebhookSecret: wooCommerceWebhookSecret
    wooCommercePreviousWebhookSecret: wooCommercePreviousWebhookSecret
    smtpPassword: smtpPassword
    directoryKey: directoryKey
    messageWebhookSecret: messageWebhookSecret
    messagingLinkSecret: messagingLinkSecret
    shopifyAccessToken: shopifyAccessToken
    wooCommerceConsumerKey: wooCommerceConsumerKey
    wooCommerceConsumerSecret: wooCommerceConsumerSecret
    rewardWebhookSecret: rewardWebhookSecret
    memberPageLinkSecret: memberPageLinkSecret
    createMissingSecrets: createMissingSecrets
    privateNetworking: privateNetworking
    allowedIpAddresses: keyVaultAllowedIpAddresses
  }
}

module network 'core/network.bicep' = if (privateNetworking) {
  name: 'network'
  scope: rg
  params: {
    name: 'vnet-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    blobContainerNames: concat([storage.outputs.deploymentContainerName], storage.outputs.hostContainerNames)
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    identityPrincipalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  dependsOn: [
    // The app resolves its Key Vault references and reaches storage at its first start.
    rbac
  ]
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    membersTable: storage.outputs.membersTable
    ordersTable: storage.outputs.ordersTable
    scheduleTable: storage.outputs.scheduleTable
    directoryTable: storage.outputs.directoryTable
    reportsTable: storage.outputs.reportsTable
    eventsQueue: storage.outputs.eventsQueue
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    secretUris: keyVault.outputs.secretUris
    maximumInstanceCount: maximumInstanceCount
    virtualNetworkSubnetId: privateNetworking ? network!.outputs.appSubnetId : ''
    programCurrency: programCurrency
    programEarnRate: programEarnRate
    programRounding: programRounding
    programPointsLifetimeDays: programPointsLifetimeDays
    programSignUpBonus: programSignUpBonus
    programAllowNegativeBalance: programAllowNegativeBalance
    programTimeZone: programTimeZone
    smtpHost: smtpHost
    smtpPort: smtpPort
    smtpSecurity: smtpSecurity
    smtpUserName: smtpUserName
    smtpFrom: smtpFrom
    smtpFromName: smtpFromName
    messageWebhookUrl: messageWebhookUrl
    shopifyShopUrl: shopifyShopUrl
    shopifyAdminApiVersion: shopifyAdminApiVersion
    wooCommerceStoreUrl: wooCommerceStoreUrl
    rewardWebhookUrl: rewardWebhookUrl
    shopName: shopName
    shopAddress: shopAddress
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output LOYALTY_API_BASE_URL string = '${api.outputs.baseUrl}/api'
output SHOPIFY_WEBHOOK_URL string = '${api.outputs.baseUrl}/api/webhooks/shopify'
output WOOCOMMERCE_WEBHOOK_URL string = '${api.outputs.baseUrl}/api/webhooks/woocommerce'
output GENERIC_EVENTS_URL string = '${api.outputs.baseUrl}/api/events'
