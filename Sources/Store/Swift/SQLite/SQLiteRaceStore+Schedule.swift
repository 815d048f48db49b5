import RaceDomain

/// Schedule state and the scheduler leadership (a file lock beside the database).
extension SQLiteRaceStore {
    public func scheduleRecords() throws -> [ScheduleRecord] {
        var records: [ScheduleRecord] = []
        let sql = """
            SELECT entry, spec, last_slot_ms, next_slot_ms, last_fired_ms, last_outcome, fired, skipped_overlap,
              missed, owner
            FROM schedule_entries ORDER BY entry
            """
        try db.statement("schedule_records", sql).query { r in
            records.append(
                ScheduleRecord(
                    entry: r.string(0) ?? "", spec: r.string(1) ?? "", lastSlotMs: r.int64(2), nextSlotMs: r.int64(3),
                    lastFiredMs: r.int64(4), lastOutcome: r.string(5), fired: r.int(6) ?? 0,
                    skippedOverlap: r.int(7) ?? 0, missed: r.int(8) ?? 0, owner: r.string(9) ?? ""))
        }
        return records
    }

    public func saveScheduleRecord(_ record: ScheduleRecord) throws {
        try upsert(
            [record], name: "save_schedule_record",
            sql: """
                INSERT INTO schedule_entries (entry, spec, last_slot_ms, next_slot_ms, last_fired_ms, last_outcome,
                  fired, skipped_overlap, missed, owner, updated_ms)
                VALUES (?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT (entry) DO UPDATE SET spec=excluded.spec, last_slot_ms=excluded.last_slot_ms,
                  next_slot_ms=excluded.next_slot_ms, last_fired_ms=excluded.last_fired_ms,
                  last_outcome=excluded.last_outcome, fired=excluded.fired, skipped_overlap=excluded.skipped_overlap,
                  missed=excluded.missed, owner=excluded.owner, updated_ms=excluded.updated_ms
                """
        ) { r in
            [
                .text(r.entry), .text(r.spec), .int64(r.lastSlotMs), .int64(r.nextSlotMs), .int64(r.lastFiredMs),
                .string(r.lastOutcome), .integer(Int64(r.fired)), .integer(Int64(r.skippedOverlap)),
                .integer(Int64(r.missed)), .text(r.owner), .integer(Self.nowMs()),
            ]
        }
    }

    public func schedulerLeadership() -> SchedulerLeadership {
        FileLeadership(databasePath: db.path)
    }

    public func ingestCursor(file: String) throws -> IngestCursor? {
        var cursor: IngestCursor?
        try db.statement(
            "ingest_cursor",
            "SELECT bytes, rows, updated_ms, read_offset, read_line, file_inode, tail_hash FROM ingest_cursors "
                + "WHERE file = ?"
        )
        .bind([.text(file)]).query { r in
            cursor = IngestCursor(
                file: file, bytes: r.int64(0) ?? 0, rows: r.int(1) ?? 0, updatedMs: r.int64(2) ?? 0,
                offset: r.int64(3), line: r.int(4), inode: r.int64(5).map { UInt64(bitPattern: $0) },
                tailHash: r.int64(6).map { UInt64(bitPattern: $0) })
        }
        return cursor
    }

    public func saveIngestCursor(_ cursor: IngestCursor) throws {
        try upsert(
            [cursor], name: "save_ingest_cursor",
            sql: """
                INSERT INTO ingest_cursors (file, bytes, rows, updated_ms, read_offset, read_line, file_inode, tail_hash)
                VALUES (?,?,?,?,?,?,?,?)
                ON CONFLICT (file) DO UPDATE SET bytes=excluded.bytes, rows=excluded.rows, updated_ms=excluded.updated_ms,
                  read_offset=excluded.read_offset, read_line=excluded.read_line, file_inode=excluded.file_inode,
                  tail_hash=excluded.tail_hash
                """
        ) { c in
            [
                .text(c.file), .integer(c.bytes), .integer(Int64(c.rows)), .integer(c.updatedMs),
                .int64(c.offset), .int(c.line), .int64(c.inode.map { Int64(bitPattern: $0) }),
                .int64(c.tailHash.map { Int64(bitPattern: $0) }),
            ]
        }
    }
}
