import { afterAll, beforeAll, expect, test } from "bun:test";
import { SmtpClient, type SmtpConfig } from "../../src/tools/mailer/smtp.ts";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.ts";

const credentials = { username: "mailer", password: "mail-pass" };
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer({ credentials });
});
afterAll(() => smtp.stop());

const config = (over: Partial<SmtpConfig> = {}): SmtpConfig => ({
  host: smtp.host,
  port: smtp.port,
  ...credentials,
  authMethod: "",
  tls: false,
  localName: "",
  ...over,
});

const message = {
  from: { name: "Support", address: "support@example.com" },
  to: [{ name: "Ann", address: "ann@example.com" }],
  cc: [{ address: "cc@example.com" }],
  bcc: [{ address: "bcc@example.com" }],
  subject: "Grüße",
  html: "<p>Hello <b>Ann</b></p>",
  headers: { "X-Custom": "yes" },
  attachments: { "note.txt": "attached text" },
};

test("PLAIN is the default login, LOGIN when asked; every recipient gets the mail", async () => {
  await new SmtpClient(config()).send(message);
  const plain = await smtp.waitForMail();
  expect(plain.authMethod).toBe("PLAIN");
  expect(plain.to).toEqual(["ann@example.com", "cc@example.com", "bcc@example.com"]);
  expect(plain.subject).toBe("Grüße");
  expect(plain.headers.to).toBe("Ann <ann@example.com>");
  expect(plain.headers["x-custom"]).toBe("yes");
  expect(plain.headers.bcc).toBeUndefined();
  expect(plain.text).toBe("Hello Ann");
  expect(plain.raw).toContain("filename=note.txt");

  await new SmtpClient(config({ authMethod: "LOGIN" })).send({ ...message, text: "Own text" });
  const login = await smtp.waitForMail();
  expect(login.authMethod).toBe("LOGIN");
  expect(login.text).toBe("Own text");
});

test("wrong credentials, a closed port and a TLS mismatch are errors", async () => {
  await expect(new SmtpClient(config({ password: "wrong" })).send(message)).rejects.toThrow(
    /Invalid username or password/,
  );
  // implicit TLS against a plain server fails the handshake instead of sending in the clear
  await expect(new SmtpClient(config({ tls: true })).send(message)).rejects.toThrow();
});

test("credentials never travel unencrypted to a host other than localhost", async () => {
  // 127.0.0.2 is loopback too, but not a name PocketBase treats as localhost
  const other = await startSmtpServer({ credentials, host: "127.0.0.2" });
  try {
    await expect(new SmtpClient(config({ host: other.host, port: other.port })).send(message)).rejects.toThrow(
      /STARTTLS/,
    );
    expect(other.mails).toHaveLength(0);
  } finally {
    await other.stop();
  }
});

test("onSend handlers can change the message before it goes out", async () => {
  const client = new SmtpClient(config());
  client.onSend.bindFunc(async (e) => {
    e.message = { ...e.message, subject: "Changed" };
    await e.next();
  });
  await client.send(message);
  expect((await smtp.waitForMail()).subject).toBe("Changed");
});
