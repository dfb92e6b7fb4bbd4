import { describe, expect, test } from "bun:test";
import { type Command, CommandError, type CommandInput, execute } from "../../src/cmd/command.ts";

/** The command tree in process: how flags and command names are read, whatever their order. */

interface Outcome {
  code: number;
  out: string;
  err: string;
  ran?: { command: string; args: string[]; dir: string; dev: boolean; origins: string[]; http: string };
}

async function run(argv: string[]): Promise<Outcome> {
  const outcome: Outcome = { code: 0, out: "", err: "" };
  const record = (command: string) => async (input: CommandInput) => {
    outcome.ran = {
      command,
      args: input.args,
      dir: input.flags.string("dir"),
      dev: input.flags.boolean("dev"),
      origins: input.flags.list("origins"),
      http: input.flags.string("http"),
    };
    if (input.args[0] === "fail") throw new CommandError("it failed");
    if (input.args[0] === "crash") throw new Error("unforeseen");
    return 0;
  };
  const root: Command = {
    name: "app",
    summary: "The app",
    persistentFlags: [
      { name: "dir", kind: "string", default: "data", usage: "the data directory" },
      { name: "dev", kind: "boolean", usage: "dev mode" },
      { name: "version", short: "v", kind: "boolean", usage: "version for app" },
    ],
    commands: [
      {
        name: "serve",
        summary: "Serves",
        flags: [
          { name: "http", kind: "string", default: "127.0.0.1:8090", usage: "address" },
          { name: "origins", kind: "list", default: "*", usage: "origins" },
        ],
        run: record("serve"),
      },
      { name: "group", summary: "A group", commands: [{ name: "leaf", summary: "A leaf", run: record("leaf") }] },
    ],
  };
  outcome.code = await execute(root, argv, {
    version: "1.2.3",
    io: {
      out: (t) => {
        outcome.out += t;
      },
      err: (t) => {
        outcome.err += t;
      },
    },
  });
  return outcome;
}

describe("flags", () => {
  test("defaults apply when a flag is not given", async () => {
    expect((await run(["serve"])).ran).toEqual({
      command: "serve",
      args: [],
      dir: "data",
      dev: false,
      origins: ["*"],
      http: "127.0.0.1:8090",
    });
  });

  test("--name=value, --name value, and global flags before or after the command names", async () => {
    expect((await run(["--dir", "d1", "serve", "--http=0.0.0.0:1"])).ran).toMatchObject({
      dir: "d1",
      http: "0.0.0.0:1",
    });
    expect((await run(["serve", "--dir=d2", "--http", ":2"])).ran).toMatchObject({ dir: "d2", http: ":2" });
    expect((await run(["--dir=d3", "group", "--dev", "leaf", "x"])).ran).toMatchObject({
      command: "leaf",
      dir: "d3",
      dev: true,
      args: ["x"],
    });
  });

  test("booleans take an explicit value; a list flag splits on commas and accumulates when repeated", async () => {
    expect((await run(["serve", "--dev=false"])).ran?.dev).toBe(false);
    expect((await run(["serve", "--dev=true"])).ran?.dev).toBe(true);
    expect((await run(["serve", "--origins=a.test, b.test", "--origins", "c.test"])).ran?.origins).toEqual([
      "a.test",
      "b.test",
      "c.test",
    ]);
  });

  test("-- ends the flags: what follows is a positional argument", async () => {
    expect((await run(["group", "leaf", "--", "--dir=x", "-v"])).ran).toMatchObject({
      args: ["--dir=x", "-v"],
      dir: "data",
    });
  });
});

describe("help, version and errors", () => {
  test("--help and -h print the command's help; -v the version", async () => {
    const help = await run(["group", "leaf", "--help"]);
    expect(help).toMatchObject({ code: 0, err: "" });
    expect(help.out).toStartWith("A leaf\n\nUsage:\n  app group leaf [flags]\n");
    expect(help.out).toContain("Global Flags:\n      --dev          dev mode\n");
    expect(help.ran).toBeUndefined();
    const [short, long] = await Promise.all([run(["serve", "-h"]), run(["serve", "--help"])]);
    expect(short.out).toStartWith("Serves\n");
    expect(short.out).toBe(long.out);
    expect(await run(["group", "-v"])).toEqual({ code: 0, out: "app version 1.2.3\n", err: "" });
  });

  test("a group without a subcommand prints its help; an unknown subcommand is a usage error", async () => {
    const group = await run(["group"]);
    expect(group.code).toBe(0);
    expect(group.out).toContain("Available Commands:\n  leaf   A leaf\n");
    expect(await run(["group", "nope"])).toEqual({
      code: 1,
      out: "",
      err: 'Error: unknown command "nope" for "app group"\nRun \'app group --help\' for usage.\n',
    });
  });

  test("usage errors name the flag and point at the help; nothing runs", async () => {
    for (const [argv, message] of [
      [["serve", "--nope"], "unknown flag: --nope"],
      [["serve", "-q"], 'unknown shorthand flag: "q" in -q'],
      [["serve", "--http"], "flag needs an argument: --http"],
      [["serve", "--dev=yes please"], 'invalid argument "yes please" for "--dev" flag: expected true or false'],
      [["group", "leaf", "--http=x"], "unknown flag: --http"],
    ] as const) {
      const res = await run([...argv]);
      const path = argv[0] === "group" ? "app group leaf" : "app serve";
      expect(res).toEqual({ code: 1, out: "", err: `Error: ${message}\nRun '${path} --help' for usage.\n` });
    }
  });

  test("a command's own failure prints its message; an unforeseen one its stack; both exit 1", async () => {
    expect(await run(["group", "leaf", "fail"])).toMatchObject({ code: 1, out: "", err: "Error: it failed\n" });
    const crash = await run(["group", "leaf", "crash"]);
    expect(crash.code).toBe(1);
    expect(crash.err).toStartWith("Error: unforeseen\n    at ");
  });
});
