/// One result row as the store's shared decoders read it, by 0-based column; nil is SQL NULL.
public protocol StoreRow {
    func string(_ column: Int32) -> String?
    func int64(_ column: Int32) -> Int64?
    func double(_ column: Int32) -> Double?
    func blob(_ column: Int32) -> [UInt8]?
}

extension StoreRow {
    public func int(_ column: Int32) -> Int? { int64(column).map { Int($0) } }
}
