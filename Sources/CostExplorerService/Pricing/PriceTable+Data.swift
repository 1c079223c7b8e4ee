extension PriceTable {
    /// The price table as shipped: the one source of truth, exported to `fixtures/prices.json` by
    /// `mesh-sandbox fixtures` (a test keeps the two equal). Edit prices here.
    public static let fixtureText = #"""
    {
      "description": "Public on-demand list prices (USD) of the units mesh-sandbox meters, by region. Free tiers, taxes, credits and Savings Plans are not applied.",
      "currency": "USD",
      "retrieved": "2026-11-29",
      "sources": [
        "https://aws.amazon.com/appsync/pricing/ (query and data modification operations $4.00 per million; real-time updates $2.00 per million; connection minutes $0.08 per million)",
        "https://aws.amazon.com/dynamodb/pricing/on-demand/ (read request units, write request units, storage per GB-month; on-demand prices after the November 2024 reduction)",
        "https://aws.amazon.com/dynamodb/pricing/provisioned/ (read and write capacity unit-hours)",
        "https://aws.amazon.com/cloudwatch/pricing/ (Logs standard ingestion per GB)",
        "AWS Price List API usage types (AmazonDynamoDB, AmazonCloudWatch): APN1-ReadRequestUnits, APN1-WriteRequestUnits, APN1-TimedStorage-ByteHrs, APN1-DataProcessing-Bytes; us-east-1 usage types carry no region prefix"
      ],
      "notes": "AppSync usage type names (Requests, RealTimeUpdates, ConnectionMinutes) follow the pricing page's three meters; they were not confirmed against a Price List offer file.",
      "regions": {
        "ap-northeast-1": {
          "usageTypePrefix": "APN1-",
          "prices": [
            {"service": "AWS AppSync", "usageType": "APN1-Requests", "unit": "Requests", "usd": "0.000004", "description": "Query and data modification operations"},
            {"service": "AWS AppSync", "usageType": "APN1-RealTimeUpdates", "unit": "Updates", "usd": "0.000002", "description": "Real-time updates (per 5 KB message delivered, and per connection)"},
            {"service": "AWS AppSync", "usageType": "APN1-ConnectionMinutes", "unit": "Minutes", "usd": "0.00000008", "description": "Real-time connection minutes"},
            {"service": "Amazon DynamoDB", "usageType": "APN1-ReadRequestUnits", "unit": "ReadRequestUnits", "usd": "0.0000001425", "description": "On-demand read request units"},
            {"service": "Amazon DynamoDB", "usageType": "APN1-WriteRequestUnits", "unit": "WriteRequestUnits", "usd": "0.000000715", "description": "On-demand write request units"},
            {"service": "Amazon DynamoDB", "usageType": "APN1-TimedStorage-ByteHrs", "unit": "GB-Mo", "usd": "0.285", "description": "Table storage (Standard table class)"},
            {"service": "Amazon DynamoDB", "usageType": "APN1-ReadCapacityUnit-Hrs", "unit": "ReadCapacityUnit-Hrs", "usd": "0.0001484", "description": "Provisioned read capacity unit-hours"},
            {"service": "Amazon DynamoDB", "usageType": "APN1-WriteCapacityUnit-Hrs", "unit": "WriteCapacityUnit-Hrs", "usd": "0.000742", "description": "Provisioned write capacity unit-hours"},
            {"service": "AmazonCloudWatch", "usageType": "APN1-DataProcessing-Bytes", "unit": "GB", "usd": "0.76", "description": "CloudWatch Logs standard ingestion"}
          ]
        },
        "us-east-1": {
          "usageTypePrefix": "",
          "prices": [
            {"service": "AWS AppSync", "usageType": "Requests", "unit": "Requests", "usd": "0.000004", "description": "Query and data modification operations"},
            {"service": "AWS AppSync", "usageType": "RealTimeUpdates", "unit": "Updates", "usd": "0.000002", "description": "Real-time updates (per 5 KB message delivered, and per connection)"},
            {"service": "AWS AppSync", "usageType": "ConnectionMinutes", "unit": "Minutes", "usd": "0.00000008", "description": "Real-time connection minutes"},
            {"service": "Amazon DynamoDB", "usageType": "ReadRequestUnits", "unit": "ReadRequestUnits", "usd": "0.000000125", "description": "On-demand read request units"},
            {"service": "Amazon DynamoDB", "usageType": "WriteRequestUnits", "unit": "WriteRequestUnits", "usd": "0.000000625", "description": "On-demand write request units"},
            {"service": "Amazon DynamoDB", "usageType": "TimedStorage-ByteHrs", "unit": "GB-Mo", "usd": "0.25", "description": "Table storage (Standard table class)"},
            {"service": "Amazon DynamoDB", "usageType": "ReadCapacityUnit-Hrs", "unit": "ReadCapacityUnit-Hrs", "usd": "0.00013", "description": "Provisioned read capacity unit-hours"},
            {"service": "Amazon DynamoDB", "usageType": "WriteCapacityUnit-Hrs", "unit": "WriteCapacityUnit-Hrs", "usd": "0.00065", "description": "Provisioned write capacity unit-hours"},
            {"service": "AmazonCloudWatch", "usageType": "DataProcessing-Bytes", "unit": "GB", "usd": "0.50", "description": "CloudWatch Logs standard ingestion"}
          ]
        }
      }
    }

    """#
}
