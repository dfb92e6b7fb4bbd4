import { afterAll, describe, test } from "bun:test";
import { openPostgres } from "../../src/db/postgres/driver.ts";
import { driverConformance } from "./driver.suite.ts";
import { createTestDatabase, postgresUnavailable, skipNote, type TestDatabase } from "./postgres-server.ts";

const unavailable = postgresUnavailable();

if (unavailable) {
  skipNote("tests/db/postgres-driver.test.ts", unavailable);
  describe.skip(`PostgreSQL driver conformance (skipped: ${unavailable})`, () => {
    test("needs a PostgreSQL server", () => {});
  });
} else {
  const db: TestDatabase = await createTestDatabase();
  afterAll(() => db.drop());
  driverConformance({
    name: "PostgreSQL",
    open: (options) => openPostgres(db.url, options),
  });
}
