import { afterAll } from "bun:test";
import { removeRunScratch } from "./helpers/run-scratch.ts";
import { prepareTemplates } from "./helpers/test-app.ts";

// preloaded by bunfig.toml: a hook here spans the whole run, not one file; the templates are made before any
// test starts its timeout
afterAll(removeRunScratch);
await prepareTemplates();
