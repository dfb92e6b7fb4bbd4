/**
 * mailLayout wraps a resolved template body in the HTML document every record email is sent in: a plain
 * page with readable type, and `.btn` links drawn as dark buttons (the default templates use them).
 */
export function mailLayout(content: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="viewport" content="width=device-width,initial-scale=1" />
<style>
  html, body { margin: 0; padding: 0; border: 0; background: #fff; color: #16161a; }
  body { padding: 20px 30px; font: normal 14px/20px "Source Sans Pro", sans-serif, emoji; }
  p { display: block; margin: 10px 0; }
  strong { font-weight: bold; }
  em, i { font-style: italic; }
  small { font-size: 12px; line-height: 16px; }
  hr { height: 1px; border: 0; margin: 10px 0; background: #e1e6ea; }
  a { color: inherit; }
  .hidden { display: none !important; }
  .btn {
    display: inline-block; box-sizing: border-box; min-width: 150px; margin: 5px 0; padding: 0 20px;
    border: 0; border-radius: 6px; background: #16161a !important; color: #fff !important;
    font-weight: bold; line-height: 40px; text-align: center; text-decoration: none !important;
  }
</style>
</head>
<body>
${content}
</body>
</html>
`;
}
