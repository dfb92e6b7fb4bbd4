import { expect, test } from "bun:test";
import { htmlToText } from "./html-to-text.ts";

test("block elements start lines, whitespace collapses, indentation goes", () => {
  const html = "<p>Hello,</p>\n<p>Thank you   for\n joining.</p>\n<p>\n  Thanks,<br/>\n  Team\n</p>";
  expect(htmlToText(html)).toBe("Hello, \r\nThank you for joining. \r\nThanks,\r\nTeam");
});

test("links become [text](href), an empty one LINK, a missing href no parentheses", () => {
  expect(htmlToText('<p>Go <a href="https://x.test/a?b=1">there  now</a>!</p>')).toBe(
    "Go [there now](https://x.test/a?b=1)!",
  );
  expect(htmlToText('<a href="https://x.test"><img src="i.png"></a>')).toBe("[LINK](https://x.test)");
  expect(htmlToText("<a>plain</a>")).toBe("[plain]");
});

test("list items get a dash; style, script and form controls are dropped; entities decoded", () => {
  const html =
    "<html><head><style>p{color:red}</style><script>x()</script></head><body><ul><li>one</li><li>two &amp; three</li></ul><button>Click</button><p>5 &lt; 6</p></body></html>";
  expect(htmlToText(html)).toBe("- one\r\n- two & three\r\n5 < 6");
});

test("several <br> make several line breaks; inline tags don't", () => {
  expect(htmlToText("a<br><br>b <strong>bold</strong> <em>it</em>")).toBe("a\r\n\r\nb bold it");
});
