// Foundation's value types (Data, Date, Decimal, UUID, URL) come from FoundationEssentials where
// it exists, which keeps the wire module off the full Foundation (ICU and friends).
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
