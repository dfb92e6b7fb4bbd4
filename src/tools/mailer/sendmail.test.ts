import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Sendmail } from "./sendmail.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "satchel-sendmail-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const message = {
  from: { name: "Support Team", address: "support@example.com" },
  to: [{ address: "a@example.com" }, { name: "B", address: "b@example.com" }],
  subject: "Héllo",
  html: "<p>Hi</p>",
};

test("the message goes to `sendmail -i -t` on standard input, headers sorted, subject encoded", async () => {
  const out = join(dir, "out.txt");
  const fake = join(dir, "sendmail");
  await writeFile(fake, `#!/bin/sh\necho "$@" > ${out}.args\ncat > ${out}\n`);
  await chmod(fake, 0o755);
  await new Sendmail([fake]).send(message);
  expect(await Bun.file(`${out}.args`).text()).toBe("-i -t\n");
  expect(await Bun.file(out).text()).toBe(
    [
      "Content-Type: text/html; charset=UTF-8",
      "From: Support Team <support@example.com>",
      "Subject: =?utf-8?q?H=C3=A9llo?=",
      "To: a@example.com,b@example.com",
      "",
      "<p>Hi</p>",
    ].join("\r\n"),
  );
});

test("a failing sendmail and a missing one are errors", async () => {
  const failing = join(dir, "failing");
  await writeFile(failing, "#!/bin/sh\ncat >/dev/null\necho boom >&2\nexit 3\n");
  await chmod(failing, 0o755);
  await expect(new Sendmail([failing]).send(message)).rejects.toThrow("sendmail exited with status 3: boom");
  await expect(new Sendmail([join(dir, "missing")]).send(message)).rejects.toThrow(
    "failed to locate a sendmail executable path",
  );
});

test("onSend handlers see the message and may stop it", async () => {
  const mailer = new Sendmail([join(dir, "missing")]);
  const seen: string[] = [];
  mailer.onSend.bindFunc((e) => {
    seen.push(e.message.subject);
  });
  await mailer.send(message);
  expect(seen).toEqual(["Héllo"]);
});
