// Contracts: every service's messages and method descriptors. Filled by the service issues.
