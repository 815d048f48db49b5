extension Goodbye {
    /// The host's Goodbye to a worker it does not know (it restarted): the worker sends Hello again
    /// instead of stopping. Any other Goodbye from the host means "stop".
    public static let unknownWorkerReason = "unknown worker"
}
