/**
 * JsonRaw is a JSON value kept as its text, as a json field stores it. JSON.stringify emits the parsed value,
 * so a record holding one serializes like any other; `null` text (or no text) is JSON null.
 */
export class JsonRaw {
  #parsed: unknown;
  #hasParsed = false;

  constructor(readonly text: string) {}

  static from(value: unknown): JsonRaw {
    return new JsonRaw(value === undefined ? "null" : (JSON.stringify(value) ?? "null"));
  }

  get value(): unknown {
    if (!this.#hasParsed) {
      this.#hasParsed = true;
      try {
        this.#parsed = this.text === "" ? null : JSON.parse(this.text);
      } catch {
        // a malformed stored value (written by another tool) is exported as a plain string
        this.#parsed = this.text;
      }
    }
    return this.#parsed;
  }

  toJSON(): unknown {
    return this.value;
  }

  castString(): string {
    return this.text;
  }
}

/** isValidJson reports whether text parses as one JSON value. */
export function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
