import { afterAll } from "bun:test";
import { removeRunScratch } from "./helpers/run-scratch.ts";

// preloaded by bunfig.toml: a hook here spans the whole run, not one file
afterAll(removeRunScratch);
