/// What the store keeps of one schedule entry: its last firing, how that ended, and the slot it waits for.
/// The active scheduler writes it in the same transaction that enqueues the fired call, so a scheduler that
/// takes over (after a restart, or on another host sharing the store) never fires a slot twice. Times are
/// milliseconds since the epoch; a slot is the entry's nominal firing instant (before jitter).
public struct ScheduleRecord: Sendable, Equatable {
    /// The schedule entry's name, e.g. `cleanup-old-telemetry` (the natural key).
    public var entry: String
    /// The entry's timing as configured when last written, e.g. `every 10 s` (for people reading the store).
    public var spec: String
    public var lastSlotMs: Int64?
    public var nextSlotMs: Int64?
    /// When the last firing happened (on the scheduler's clock).
    public var lastFiredMs: Int64?
    /// `succeeded`, `failed`, `expired` or `skipped`; nil while the first run has not ended.
    public var lastOutcome: String?
    public var fired: Int
    public var skippedOverlap: Int
    public var missed: Int
    /// The host that wrote the record.
    public var owner: String

    public init(
        entry: String, spec: String, lastSlotMs: Int64?, nextSlotMs: Int64?, lastFiredMs: Int64?,
        lastOutcome: String?, fired: Int, skippedOverlap: Int, missed: Int, owner: String
    ) {
        self.entry = entry
        self.spec = spec
        self.lastSlotMs = lastSlotMs
        self.nextSlotMs = nextSlotMs
        self.lastFiredMs = lastFiredMs
        self.lastOutcome = lastOutcome
        self.fired = fired
        self.skippedOverlap = skippedOverlap
        self.missed = missed
        self.owner = owner
    }
}
