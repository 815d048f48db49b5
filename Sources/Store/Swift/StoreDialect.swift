/// The SQL dialect a store speaks; migrations are written once per dialect.
public enum StoreDialect: String, Sendable {
    case sqlite
    case postgres
}
