// The function app on the Flex Consumption plan (Linux, dotnet-isolated, .NET 10) and every app
// setting the service reads. Settings that are secrets are Key Vault references resolved with
// the user-assigned identity; storage is reached with that identity too, never with a key.
param name string
param planName string
param location string
param tags object = {}

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

param storageAccountName string
param deploymentContainerName string
param membersTable string
param ordersTable string
param scheduleTable string
param directoryTable string
param reportsTable string
param eventsQueue string
param applicationInsightsName string

@description('Version-less Key Vault secret URIs, from core/keyvault.bicep.')
param secretUris object

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Subnet to integrate with (core/network.bicep), so storage and Key Vault are reached through their private endpoints; empty for none.')
param virtualNetworkSubnetId string = ''

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

param programCurrency string
param programEarnRate string
param programRounding string
param programPointsLifetimeDays int
param programSignUpBonus int
param programAllowNegativeBalance bool
param programTimeZone string

// Member messages (Loyalty:Smtp, Loyalty:MessageWebhook, Loyalty:Messaging); a channel is off while its host or URL is empty.
param smtpHost string = ''
param smtpPort int = 587
param smtpSecurity string = 'StartTls'
param smtpUserName string = ''
param smtpFrom string = ''
param smtpFromName string = ''
param messageWebhookUrl string = ''

// Discounts for redemptions (Loyalty:Shopify, Loyalty:WooCommerce, Loyalty:RewardWebhook); a channel is off while its address is empty.
param shopifyShopUrl string = ''
param shopifyAdminApiVersion string = '2025-01'
param wooCommerceStoreUrl string = ''
param rewardWebhookUrl string = ''
param shopName string = 'Our shop'
param shopAddress string = ''

resource storageAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: !empty(virtualNetworkSubnetId) ? virtualNetworkSubnetId : null
    siteConfig: {
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      // Integrated: all outbound traffic (Key Vault reference resolution included) goes
      // through the virtual network, where the private DNS zones resolve the services.
      vnetRouteAllEnabled: !empty(virtualNetworkSubnetId)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageAccount.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are not set: Flex Consumption takes
// them from functionAppConfig.runtime and refuses them as app settings.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // The Functions host's own storage (triggers, timers, keys), identity-based.
    AzureWebJobsStorage__accountName: storageAccount.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId

    // Telemetry with Microsoft Entra auth: the host reads the authentication string, the
    // worker's Azure Monitor exporter uses the same identity (see Program.cs).
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

    // The service's storage (Loyalty:Storage), identity-based as well.
    Loyalty__Storage__TableServiceUri: storageAccount.properties.primaryEndpoints.table
    Loyalty__Storage__QueueServiceUri: storageAccount.properties.primaryEndpoints.queue
    Loyalty__Storage__ManagedIdentityClientId: identityClientId
    Loyalty__Storage__MembersTable: membersTable
    Loyalty__Storage__OrdersTable: ordersTable
    Loyalty__Storage__ScheduleTable: scheduleTable
    Loyalty__Storage__DirectoryTable: directoryTable
    Loyalty__Storage__ReportsTable: reportsTable
    EventsQueue: eventsQueue

    // Timer schedules (HostContract.Timers), six-field NCRONTAB in UTC, staggered through the hour.
    ActivatePendingPointsSchedule: '0 5 * * * *'
    ExpirePointsSchedule: '0 15 * * * *'
    RemindExpiringPointsSchedule: '0 25 * * * *'
    BirthdayOffersSchedule: '0 35 * * * *'
    ReviewTiersSchedule: '0 45 * * * *'
    DispatchMessagesSchedule: '0 * * * * *'
    CreateDiscountsSchedule: '30 * * * * *'
    RollUpReportsSchedule: '0 50 * * * *'
    SegmentMembersSchedule: '0 55 3 * * *'
    ProcessPrivacyRequestsSchedule: '40 * * * * *'

    // Secrets, as Key Vault references only; every one exists in the vault (core/keyvault.bicep),
    // and the app refuses to start on a reference left unresolved. Each signing secret has a
    // previous value accepted alongside it during a rotation (random, so unknown, otherwise).
    Loyalty__AdminKey: '@Microsoft.KeyVault(SecretUri=${secretUris.adminKey})'
    Loyalty__StorefrontKey: '@Microsoft.KeyVault(SecretUri=${secretUris.storefrontKey})'
    Loyalty__DirectoryKey: '@Microsoft.KeyVault(SecretUri=${secretUris.directoryKey})'
    Loyalty__Api__SigningSecret: '@Microsoft.KeyVault(SecretUri=${secretUris.apiSigningSecret})'
    Loyalty__Api__PreviousSigningSecret: '@Microsoft.KeyVault(SecretUri=${secretUris.apiPreviousSigningSecret})'
    Loyalty__Webhooks__ShopifySecret: '@Microsoft.KeyVault(SecretUri=${secretUris.shopifyWebhookSecret})'
    Loyalty__Webhooks__ShopifyPreviousSecret: '@Microsoft.KeyVault(SecretUri=${secretUris.shopifyPreviousWebhookSecret})'
    Loyalty__Webhooks__WooCommerceSecret: '@Microsoft.KeyVault(SecretUri=${secretUris.wooCommerceWebhookSecret})'
    Loyalty__Webhooks__WooCommercePreviousSecret: '@Microsoft.KeyVault(SecretUri=${secretUris.wooCommercePreviousWebhookSecret})'
    Loyalty__Smtp__Password: '@Microsoft.KeyVault(SecretUri=${secretUris.smtpPassword})'
    Loyalty__MessageWebhook__Secret: '@Microsoft.KeyVault(SecretUri=${secretUris.messageWebhookSecret})'
    Loyalty__Messaging__LinkSecret: '@Microsoft.KeyVault(SecretUri=${secretUris.messagingLinkSecret})'
    Loyalty__Shopify__AccessToken: '@Microsoft.KeyVault(SecretUri=${secretUris.shopifyAccessToken})'
    Loyalty__WooCommerce__ConsumerKey: '@Microsoft.KeyVault(SecretUri=${secretUris.wooCommerceConsumerKey})'
    Loyalty__WooCommerce__ConsumerSecret: '@Microsoft.KeyVault(SecretUri=${secretUris.wooCommerceConsumerSecret})'
    Loyalty__RewardWebhook__Secret: '@Microsoft.KeyVault(SecretUri=${secretUris.rewardWebhookSecret})'
    Loyalty__MemberPage__LinkSecret: '@Microsoft.KeyVault(SecretUri=${secretUris.memberPageLinkSecret})'

    // Member messages: the channels, the shop in every message, and the sending rules.
    Loyalty__Smtp__Host: smtpHost
    Loyalty__Smtp__Port: string(smtpPort)
    Loyalty__Smtp__Security: smtpSecurity
    Loyalty__Smtp__UserName: smtpUserName
    Loyalty__Smtp__From: smtpFrom
    Loyalty__Smtp__FromName: smtpFromName
    Loyalty__MessageWebhook__Url: messageWebhookUrl
    Loyalty__Shopify__ShopUrl: shopifyShopUrl
    Loyalty__Shopify__AdminApiVersion: shopifyAdminApiVersion
    Loyalty__WooCommerce__StoreUrl: wooCommerceStoreUrl
    Loyalty__RewardWebhook__Url: rewardWebhookUrl
    Loyalty__Messaging__PublicBaseUrl: 'https://${site.properties.defaultHostName}'
    Loyalty__Messaging__ShopName: shopName
    Loyalty__Messaging__ShopAddress: shopAddress
    Loyalty__Messaging__DefaultLanguage: 'en'
    Loyalty__Messaging__QuietHours: '21:00-09:00'
    Loyalty__Messaging__WeeklyMarketingCap: '2'

    // Intake: Shopify test orders earn nothing in production.
    Loyalty__Intake__AcceptShopifyTestOrders: 'false'
    // Processing: MaxAttempts matches host.json's maxDequeueCount.
    Loyalty__Processing__MaxAttempts: '5'
    Loyalty__Processing__RetryDelaySeconds: '2'
    Loyalty__Processing__MaxConflictRetries: '10'

    // The program.
    Loyalty__Program__Currency: programCurrency
    Loyalty__Program__EarnRate: programEarnRate
    Loyalty__Program__Rounding: programRounding
    Loyalty__Program__PointsLifetimeDays: string(programPointsLifetimeDays)
    Loyalty__Program__SignUpBonus: string(programSignUpBonus)
    Loyalty__Program__AllowNegativeBalance: string(programAllowNegativeBalance)
    Loyalty__Program__TimeZone: programTimeZone
    // Credits over these wait for the owner's approval (GET /api/admin/held-events).
    Loyalty__Program__MaxPointsPerEvent: '100000'
    Loyalty__Program__MaxPointsPerMemberPerDay: '250000'
    Loyalty__Program__PointValue: '0.01'
  }
}

output name string = site.name
output baseUrl string = 'https://${site.properties.defaultHostName}'
