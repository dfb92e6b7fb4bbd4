#!/usr/bin/env bun
import "../src/main.ts";
