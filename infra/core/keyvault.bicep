// The service's secrets, read by the function app through Key Vault references
// (@Microsoft.KeyVault(SecretUri=...) app settings without a version, so a new secret version
// is picked up without a redeployment). Access is by Azure RBAC only; soft delete and purge
// protection keep a deleted vault or secret recoverable.
//
// Every secret the app references must exist: App Service leaves an unresolved reference as
// its own text, and the app refuses to start on one. azd passes every secret (the vault's
// value, or a random one the first time); a plain deployment writes the secrets it is given,
// and with createMissingSecrets a random value into each one it is not.
param name string
param location string
param tags object = {}

@secure()
param adminKey string

@secure()
param storefrontKey string

@secure()
param apiSigningSecret string

@secure()
param apiPreviousSigningSecret string

@secure()
param shopifyWebhookSecret string

@secure()
param shopifyPreviousWebhookSecret string

@secure()
param wooCommerceWebhookSecret string

@secure()
param wooCommercePreviousWebhookSecret string

@secure()
param smtpPassword string

@secure()
@description('Key of the member directory\'s keyed hash (e-mail, phone and order lookups).')
param directoryKey string

@secure()
param messageWebhookSecret string

@secure()
param messagingLinkSecret string

@secure()
param shopifyAccessToken string

@secure()
param wooCommerceConsumerKey string

@secure()
param wooCommerceConsumerSecret string

@secure()
param rewardWebhookSecret string

@secure()
param memberPageLinkSecret string

@description('Write a random value into every secret given empty (the first plain deployment); a later run with it replaces the secrets set since.')
param createMissingSecrets bool = false

@secure()
@description('Random material for the secrets createMissingSecrets writes, 72 characters (two GUIDs, 244 random bits) per secret. Never pass it.')
param randomness string = '${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}${newGuid()}'

@description('Refuse public network access except from allowedIpAddresses; the app reaches the vault through its private endpoint (core/network.bicep).')
param privateNetworking bool = false

@description('With privateNetworking: public addresses (e.g. the deployer\'s) still allowed, so azd can read the secrets back.')
param allowedIpAddresses array = []

@minValue(7)
@maxValue(90)
@description('Days a deleted vault or secret can be recovered; purge protection keeps it that long.')
param softDeleteRetentionInDays int = 90

// Secret names in the vault; the app setting each one feeds is in app/api.bicep.
var names = {
  adminKey: 'admin-key'
  storefrontKey: 'storefront-key'
  apiSigningSecret: 'api-signing-secret'
  apiPreviousSigningSecret: 'api-signing-secret-previous'
  shopifyWebhookSecret: 'shopify-webhook-secret'
  shopifyPreviousWebhookSecret: 'shopify-webhook-secret-previous'
  wooCommerceWebhookSecret: 'woocommerce-webhook-secret'
  wooCommercePreviousWebhookSecret: 'woocommerce-webhook-secret-previous'
  smtpPassword: 'smtp-password'
  directoryKey: 'directory-key'
  messageWebhookSecret: 'message-webhook-secret'
  messagingLinkSecret: 'messaging-link-secret'
  shopifyAccessToken: 'shopify-access-token'
  wooCommerceConsumerKey: 'woocommerce-consumer-key'
  wooCommerceConsumerSecret: 'woocommerce-consumer-secret'
  rewardWebhookSecret: 'reward-webhook-secret'
  memberPageLinkSecret: 'member-page-link-secret'
}

// The i-th random value: two GUIDs without their dashes, 64 hexadecimal characters.
var random = [for i in range(0, 17): replace(substring(randomness, i * 72, 72), '-', '')]

// The app refuses a key or secret under 16 bytes, and azd's secretOrRandomPassword generates 15
// characters: each secret below is written with random characters after a shorter value (an
// empty one becomes the random value alone). Idempotent: the next run reads the longer value back.

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    publicNetworkAccess: privateNetworking && empty(allowedIpAddresses) ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
      ipRules: privateNetworking ? map(allowedIpAddresses, ip => { value: ip }) : []
    }
  }
}

// Each secret is written when given (lengthened past 16 bytes when shorter, see random), or
// (createMissingSecrets) with a random value; an empty value otherwise writes nothing, so a redeployment without it keeps the secret that was set
// with `az keyvault secret set` in the meantime.
resource adminKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(adminKey) || createMissingSecrets) {
  parent: vault
  name: names.adminKey
  properties: {
    value: length(adminKey) < 16 ? '${adminKey}${random[0]}' : adminKey
  }
}

resource storefrontKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(storefrontKey) || createMissingSecrets) {
  parent: vault
  name: names.storefrontKey
  properties: {
    value: length(storefrontKey) < 16 ? '${storefrontKey}${random[1]}' : storefrontKey
  }
}

resource apiSigningSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(apiSigningSecret) || createMissingSecrets) {
  parent: vault
  name: names.apiSigningSecret
  properties: {
    value: length(apiSigningSecret) < 16 ? '${apiSigningSecret}${random[2]}' : apiSigningSecret
  }
}

resource apiPreviousSigningSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(apiPreviousSigningSecret) || createMissingSecrets) {
  parent: vault
  name: names.apiPreviousSigningSecret
  properties: {
    value: length(apiPreviousSigningSecret) < 16 ? '${apiPreviousSigningSecret}${random[3]}' : apiPreviousSigningSecret
  }
}

resource shopifySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(shopifyWebhookSecret) || createMissingSecrets) {
  parent: vault
  name: names.shopifyWebhookSecret
  properties: {
    value: length(shopifyWebhookSecret) < 16 ? '${shopifyWebhookSecret}${random[4]}' : shopifyWebhookSecret
  }
}

resource shopifyPreviousSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(shopifyPreviousWebhookSecret) || createMissingSecrets) {
  parent: vault
  name: names.shopifyPreviousWebhookSecret
  properties: {
    value: length(shopifyPreviousWebhookSecret) < 16 ? '${shopifyPreviousWebhookSecret}${random[5]}' : shopifyPreviousWebhookSecret
  }
}

resource wooCommerceSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(wooCommerceWebhookSecret) || createMissingSecrets) {
  parent: vault
  name: names.wooCommerceWebhookSecret
  properties: {
    value: length(wooCommerceWebhookSecret) < 16 ? '${wooCommerceWebhookSecret}${random[6]}' : wooCommerceWebhookSecret
  }
}

resource wooCommercePreviousSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(wooCommercePreviousWebhookSecret) || createMissingSecrets) {
  parent: vault
  name: names.wooCommercePreviousWebhookSecret
  properties: {
    value: length(wooCommercePreviousWebhookSecret) < 16 ? '${wooCommercePreviousWebhookSecret}${random[7]}' : wooCommercePreviousWebhookSecret
  }
}

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(smtpPassword) || createMissingSecrets) {
  parent: vault
  name: names.smtpPassword
  properties: {
    value: length(smtpPassword) < 16 ? '${smtpPassword}${random[8]}' : smtpPassword
  }
}

resource directoryKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(directoryKey) || createMissingSecrets) {
  parent: vault
  name: names.directoryKey
  properties: {
    value: length(directoryKey) < 16 ? '${directoryKey}${random[9]}' : directoryKey
  }
}

resource messageWebhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(messageWebhookSecret) || createMissingSecrets) {
  parent: vault
  name: names.messageWebhookSecret
  properties: {
    value: length(messageWebhookSecret) < 16 ? '${messageWebhookSecret}${random[10]}' : messageWebhookSecret
  }
}

resource messagingLinkSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(messagingLinkSecret) || createMissingSecrets) {
  parent: vault
  name: names.messagingLinkSecret
  properties: {
    value: length(messagingLinkSecret) < 16 ? '${messagingLinkSecret}${random[11]}' : messagingLinkSecret
  }
}

resource shopifyAccessTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(shopifyAccessToken) || createMissingSecrets) {
  parent: vault
  name: names.shopifyAccessToken
  properties: {
    value: length(shopifyAccessToken) < 16 ? '${shopifyAccessToken}${random[12]}' : shopifyAccessToken
  }
}

resource wooCommerceConsumerKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(wooCommerceConsumerKey) || createMissingSecrets) {
  parent: vault
  name: names.wooCommerceConsumerKey
  properties: {
    value: length(wooCommerceConsumerKey) < 16 ? '${wooCommerceConsumerKey}${random[13]}' : wooCommerceConsumerKey
  }
}

resource wooCommerceConsumerSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(wooCommerceConsumerSecret) || createMissingSecrets) {
  parent: vault
  name: names.wooCommerceConsumerSecret
  properties: {
    value: length(wooCommerceConsumerSecret) < 16 ? '${wooCommerceConsumerSecret}${random[14]}' : wooCommerceConsumerSecret
  }
}

resource rewardWebhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(rewardWebhookSecret) || createMissingSecrets) {
  parent: vault
  name: names.rewardWebhookSecret
  properties: {
    value: length(rewardWebhookSecret) < 16 ? '${rewardWebhookSecret}${random[15]}' : rewardWebhookSecret
  }
}

resource memberPageLinkSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(memberPageLinkSecret) || createMissingSecrets) {
  parent: vault
  name: names.memberPageLinkSecret
  properties: {
    value: length(memberPageLinkSecret) < 16 ? '${memberPageLinkSecret}${random[16]}' : memberPageLinkSecret
  }
}

output name string = vault.name
output id string = vault.id

// Version-less URIs: a Key Vault reference without a version follows the latest version.
output secretUris object = {
  adminKey: '${vault.properties.vaultUri}secrets/${names.adminKey}'
  storefrontKey: '${vault.properties.vaultUri}secrets/${names.storefrontKey}'
  apiSigningSecret: '${vault.properties.vaultUri}secrets/${names.apiSigningSecret}'
  apiPreviousSigningSecret: '${vault.properties.vaultUri}secrets/${names.apiPreviousSigningSecret}'
  shopifyWebhookSecret: '${vault.properties.vaultUri}secrets/${names.shopifyWebhookSecret}'
  shopifyPreviousWebhookSecret: '${vault.properties.vaultUri}secrets/${names.shopifyPreviousWebhookSecret}'
  wooCommerceWebhookSecret: '${vault.properties.vaultUri}secrets/${names.wooCommerceWebhookSecret}'
  wooCommercePreviousWebhookSecret: '${vault.properties.vaultUri}secrets/${names.wooCommercePreviousWebhookSecret}'
  smtpPassword: '${vault.properties.vaultUri}secrets/${names.smtpPassword}'
  directoryKey: '${vault.properties.vaultUri}secrets/${names.directoryKey}'
  messageWebhookSecret: '${vault.properties.vaultUri}secrets/${names.messageWebhookSecret}'
  messagingLinkSecret: '${vault.properties.vaultUri}secrets/${names.messagingLinkSecret}'
  shopifyAccessToken: '${vault.properties.vaultUri}secrets/${names.shopifyAccessToken}'
  wooCommerceConsumerKey: '${vault.properties.vaultUri}secrets/${names.wooCommerceConsumerKey}'
  wooCommerceConsumerSecret: '${vault.properties.vaultUri}secrets/${names.wooCommerceConsumerSecret}'
  rewardWebhookSecret: '${vault.properties.vaultUri}secrets/${names.rewardWebhookSecret}'
  memberPageLinkSecret: '${vault.properties.vaultUri}secrets/${names.memberPageLinkSecret}'
}
