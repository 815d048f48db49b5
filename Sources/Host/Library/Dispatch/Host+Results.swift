import RaceDomain
import RoadSenseProtocol

extension Host {
    /// Stores a successful result, then publishes it (store first: a subscriber never sees what is not kept).
    func apply(result payload: [UInt8], of method: String) throws {
        let now = raceNowMs()
        switch method {
        case "telemetry.ProcessLive":
            var result = try TelemetryResult(wire: payload)
            statistics.framesStored += Int(result.framesStored)
            // Before the first laps are timed the plugin cannot match a feed vehicle to its car; the host's
            // crossing-time mapping can (GR86-002-000 is car 2 at Barber), so the car keeps one topic and key.
            for index in result.states.indices where result.states[index].frame.carNumber == nil {
                result.states[index].frame.carNumber = tracker.carByVehicle[result.states[index].frame.vehicleID]
            }
            tracker.add(states: result.states)
            persist("car states", .carStates(result.states))
            // Publish a car's state when it has fresh telemetry or its laps or position changed.
            for state in result.states {
                let frame = state.frame
                let key = CarKey.of(vehicleID: frame.vehicleID, carNumber: frame.carNumber)
                let digest = [state.lapsCompleted, state.position ?? 0]
                guard state.samples > 0 || publishedStates[key] != digest else { continue }
                publishedStates[key] = digest
                broadcaster.publish(
                    topic: Broadcaster.topic("telemetry", vehicleID: frame.vehicleID, carNumber: frame.carNumber),
                    body: .carState(state), atMs: now)
            }
        case "strategy.UpdatePredictions":
            let result = try StrategyResult(wire: payload)
            statistics.predictions += result.predictions.count
            persist("predictions", .predictions(result.predictions))
            // A prediction is published when the car has completed a lap since its last one (the model only
            // changes with new laps, so anything else would repeat the same line).
            for prediction in result.predictions {
                let key = CarKey.of(vehicleID: prediction.vehicleID, carNumber: prediction.carNumber)
                guard publishedPredictions[key] != prediction.lapsCompleted else { continue }
                publishedPredictions[key] = prediction.lapsCompleted
                broadcaster.publish(
                    topic: Broadcaster.topic(
                        "strategy", vehicleID: prediction.vehicleID, carNumber: prediction.carNumber),
                    body: .prediction(prediction), atMs: now)
            }
        case "alerts.CheckConditions":
            let result = try AlertResult(wire: payload)
            persist("alerts", .alerts(result.alerts))
            // Publish an alert when it is new or its severity rose; a condition that persists is not re-announced.
            for alert in result.alerts where (alertSeverities[alert.alertID].map { alert.severity > $0 } ?? true) {
                alertSeverities[alert.alertID] = alert.severity
                broadcaster.publish(topic: "alert.\(alert.severity.name)", body: .alert(alert), atMs: now)
            }
        default:
            // The periodic jobs of issue #5 (Host+JobResults); other methods (bench.*, ad-hoc calls) keep their
            // result in the call's row for the submitter.
            try applyJobResult(payload, of: method, atMs: now)
        }
    }
}
