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

// Secrets. Admin key and API signing secret are generated when not given (newGuid can only be
// a parameter default): re-running a plain `az deployment` without them generates new ones,
// while azd passes the vault's current values back (main.parameters.json). The shop secrets and
// the SMTP password may be empty at first; an empty value leaves the vault's secret as it is.
@secure()
@description('Key for member reads, redemptions and /api/admin/*; generated when not given.')
param adminKey string = '${newGuid()}${newGuid()}'

@secure()
@description('Secret that signs generic API calls (X-Loyalty-Signature); generated when not given.')
param apiSigningSecret string = '${newGuid()}${newGuid()}'

@secure()
@description('Shopify webhook signing secret (the app\'s client secret); may be set later with az keyvault secret set.')
param shopifyWebhookSecret string = ''

@secure()
@description('WooCommerce webhook secret; may be set later with az keyvault secret set.')
param wooCommerceWebhookSecret string = ''

@secure()
@description('SMTP password for member messages; may be set later with az keyvault secret set.')
param smtpPassword string = ''

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
    apiSigningSecret: apiSigningSecret
    shopifyWebhookSecret: shopifyWebhookSecret
    wooCommerceWebhookSecret: wooCommerceWebhookSecret
    smtpPassword: smtpPassword
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
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
    eventsQueue: storage.outputs.eventsQueue
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    secretUris: keyVault.outputs.secretUris
    maximumInstanceCount: maximumInstanceCount
    programCurrency: programCurrency
    programEarnRate: programEarnRate
    programRounding: programRounding
    programPointsLifetimeDays: programPointsLifetimeDays
    programSignUpBonus: programSignUpBonus
    programAllowNegativeBalance: programAllowNegativeBalance
    programTimeZone: programTimeZone
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
