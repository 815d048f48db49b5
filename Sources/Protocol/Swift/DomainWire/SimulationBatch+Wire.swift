import RaceDomain
import RoadSenseWireC

/// `SimulationBatch` on the wire as `SimulationResult`, the response of `simulation.RunBatch`.
extension SimulationBatch: CWireMessage {
    static var wireCodec: CMessageCodec<Roadsense__V1__SimulationResult> {
        CMessageCodec(
            roadsense__v1__simulation_result__init, roadsense__v1__simulation_result__get_packed_size,
            roadsense__v1__simulation_result__pack, roadsense__v1__simulation_result__unpack,
            roadsense__v1__simulation_result__free_unpacked)
    }

    func fill(_ message: inout Roadsense__V1__SimulationResult, in arena: WireArena) {
        message.computed_ms = computedMs
        message.iterations = WireScalar.uint32(iterations)
        message.seed = seed
        message.laps_remaining = WireScalar.int32(lapsRemaining)
        message.n_cars = cars.count
        message.cars = arena.messages(cars)
        message.n_options = options.count
        message.options = arena.messages(options)
        message.races_simulated = WireScalar.uint64(racesSimulated)
        message.runs_per_second = runsPerSecond
        message.model = arena.string(model)
    }

    init(unpacked message: Roadsense__V1__SimulationResult) throws {
        self.init(
            computedMs: message.computed_ms, iterations: Int(message.iterations), seed: message.seed,
            lapsRemaining: Int(message.laps_remaining), cars: try WireReader.messages(message.n_cars, message.cars),
            options: try WireReader.messages(message.n_options, message.options),
            racesSimulated: WireScalar.int(message.races_simulated), runsPerSecond: message.runs_per_second,
            model: WireReader.string(message.model))
    }
}
