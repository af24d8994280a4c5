// One account for everything: the member, order, schedule and directory tables, the events queue and its poison
// queue, the Functions host's own blob containers and the Flex Consumption deployment package. Keys are
// off (allowSharedKeyAccess false): every caller signs in with Microsoft Entra ID.
param name string
param location string
param tags object = {}
param deploymentContainerName string

@description('Table of member partitions (Loyalty__Storage__MembersTable).')
param membersTable string = 'members'

@description('Table of the order-to-member index (Loyalty__Storage__OrdersTable).')
param ordersTable string = 'orders'

@description('Table of the timer jobs\' index partitions and progress (Loyalty__Storage__ScheduleTable).')
param scheduleTable string = 'schedule'

@description('Table of the member directory and its lookup rows (Loyalty__Storage__DirectoryTable).')
param directoryTable string = 'directory'

@description('Table of the reports: per-day delta rows and monthly roll-ups (Loyalty__Storage__ReportsTable).')
param reportsTable string = 'reports'

@description('Queue every event travels through (EventsQueue); its poison queue is {name}-poison.')
param eventsQueue string = 'loyalty-events'

@minValue(1)
@maxValue(365)
@description('Days deleted blobs and containers can be restored.')
param softDeleteDays int = 7

@description('Refuse public network access; the app reaches blobs, queues and tables through private endpoints (core/network.bicep).')
param privateNetworking bool = false

// The Functions host's own containers (locks, timer status, host keys), created here so the
// app's blob role can be scoped to exactly these and the deployment container.
var hostContainerNames = [
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
]

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Open by default: a Flex Consumption app without a virtual network reaches storage over
    // its public endpoint (Entra ID only, keys are off).
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource hostContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [for container in hostContainerNames: {
  parent: blobService
  name: container
  properties: {
    publicAccess: 'None'
  }
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource members 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = {
  parent: tableService
  name: membersTable
}

resource orders 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = {
  parent: tableService
  name: ordersTable
}

resource schedule 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = {
  parent: tableService
  name: scheduleTable
}

resource directory 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = {
  parent: tableService
  name: directoryTable
}

resource reports 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = {
  parent: tableService
  name: reportsTable
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource events 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = {
  parent: queueService
  name: eventsQueue
}

resource poison 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = {
  parent: queueService
  name: '${eventsQueue}-poison'
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output deploymentContainerName string = deploymentContainer.name
output hostContainerNames array = [for (container, i) in hostContainerNames: hostContainers[i].name]
output membersTable string = members.name
output ordersTable string = orders.name
output scheduleTable string = schedule.name
output directoryTable string = directory.name
output reportsTable string = reports.name
output eventsQueue string = events.name
output poisonQueue string = poison.name
