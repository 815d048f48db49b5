import RoadSenseStore

/// A plugin's store, opened on first use when it cannot be opened at start: a plugin started (or restarted)
/// while the database is unreachable still registers with the host and answers its calls UNAVAILABLE until
/// the store can be opened, instead of exiting at start again and again until its supervisor marks it FAILED.
/// Any other failure to open (a bad URL, a file that cannot be created) still fails the start.
public final class PluginStore {
    public let location: StoreLocation
    private var opened: RaceStore?

    /// Opens the store now if the database answers.
    public init(_ location: StoreLocation) throws {
        self.location = location
        do {
            opened = try openStore(location)
        } catch let error as StoreError where error.code == .unavailable {
            opened = nil
        }
    }

    /// The open store, opening it first if need be; an unreachable database is an UNAVAILABLE `PluginError`.
    public func get() throws -> RaceStore {
        if let opened { return opened }
        do {
            let store = try openStore(location)
            opened = store
            return store
        } catch {
            throw PluginError.store(error, doing: "opening the store")
        }
    }
}
