import { expect, test } from "bun:test";
import { defaultVerificationTemplate } from "../core/collection-auth-templates.ts";
import { htmlToText } from "../tools/mailer/html-to-text.ts";
import { mailLayout } from "./layout.ts";
import { escapeHtml } from "./template.ts";

test("escapeHtml escapes as Go's html.EscapeString", () => {
  expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe("&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
});

test("the default verification mail reads, as plain text, exactly as PocketBase's", () => {
  const body = defaultVerificationTemplate.body
    .replaceAll("{APP_NAME}", "RefApp")
    .replaceAll("{APP_URL}", "http://ref.test")
    .replaceAll("{TOKEN}", "TOK");
  // the text alternative of a mail PocketBase v0.39 sent with these values
  expect(htmlToText(mailLayout(body))).toBe(
    "Hello, \r\nThank you for joining us at RefApp. \r\nClick on the button below to verify your email address. \r\n" +
      "[Verify](http://ref.test/_/#/auth/confirm-verification/TOK)  \r\n" +
      "If you didn't recently register, please ignore this email. \r\nThanks,\r\nRefApp team",
  );
});
