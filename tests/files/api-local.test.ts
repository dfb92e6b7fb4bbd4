import { filesApiSuite } from "./api.suite.ts";

filesApiSuite("local", () => ({ prepare: async () => {}, stop: async () => {} }));
