// The service's secrets, read by the function app through Key Vault references
// (@Microsoft.KeyVault(SecretUri=...) app settings without a version, so a new secret version
// is picked up without a redeployment). Access is by Azure RBAC only; soft delete and purge
// protection keep a deleted vault or secret recoverable.
param name string
param location string
param tags object = {}

@secure()
param adminKey string

@secure()
param apiSigningSecret string

@secure()
param shopifyWebhookSecret string

@secure()
param wooCommerceWebhookSecret string

@secure()
param smtpPassword string

@minValue(7)
@maxValue(90)
@description('Days a deleted vault or secret can be recovered; purge protection keeps it that long.')
param softDeleteRetentionInDays int = 90

// Secret names in the vault; the app setting each one feeds is in app/api.bicep.
var names = {
  adminKey: 'admin-key'
  apiSigningSecret: 'api-signing-secret'
  shopifyWebhookSecret: 'shopify-webhook-secret'
  wooCommerceWebhookSecret: 'woocommerce-webhook-secret'
  smtpPassword: 'smtp-password'
}

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
    publicNetworkAccess: 'Enabled'
  }
}

// An empty value writes nothing, so a redeployment without it keeps the secret that was set
// with `az keyvault secret set` in the meantime.
resource adminKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(adminKey)) {
  parent: vault
  name: names.adminKey
  properties: {
    value: adminKey
  }
}

resource apiSigningSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(apiSigningSecret)) {
  parent: vault
  name: names.apiSigningSecret
  properties: {
    value: apiSigningSecret
  }
}

resource shopifySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(shopifyWebhookSecret)) {
  parent: vault
  name: names.shopifyWebhookSecret
  properties: {
    value: shopifyWebhookSecret
  }
}

resource wooCommerceSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(wooCommerceWebhookSecret)) {
  parent: vault
  name: names.wooCommerceWebhookSecret
  properties: {
    value: wooCommerceWebhookSecret
  }
}

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(smtpPassword)) {
  parent: vault
  name: names.smtpPassword
  properties: {
    value: smtpPassword
  }
}

output name string = vault.name
output id string = vault.id

// Version-less URIs: a Key Vault reference without a version follows the latest version.
output secretUris object = {
  adminKey: '${vault.properties.vaultUri}secrets/${names.adminKey}'
  apiSigningSecret: '${vault.properties.vaultUri}secrets/${names.apiSigningSecret}'
  shopifyWebhookSecret: '${vault.properties.vaultUri}secrets/${names.shopifyWebhookSecret}'
  wooCommerceWebhookSecret: '${vault.properties.vaultUri}secrets/${names.wooCommerceWebhookSecret}'
  smtpPassword: '${vault.properties.vaultUri}secrets/${names.smtpPassword}'
}
