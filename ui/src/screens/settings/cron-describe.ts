const weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const months = [
  "",
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const number = /^\d+$/;
const step = /^\*\/(\d+)$/;

/** A comma-separated list of plain numbers (`1,3,5`), or null. */
function numbers(field: string): number[] | null {
  const parts = field.split(",");
  return parts.every((p) => number.test(p)) ? parts.map(Number) : null;
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The time of day part, or null when the minute and hour fields are beyond these simple shapes. */
function describeTime(minute: string, hour: string): { text: string; daily: boolean } | null {
  if (minute === "*" && hour === "*") return { text: "every minute", daily: false };
  const minuteStep = step.exec(minute)?.[1];
  if (minuteStep && hour === "*") return { text: `every ${minuteStep} minutes`, daily: false };
  if (!number.test(minute)) return null;
  const m = Number(minute);
  if (hour === "*") return { text: m === 0 ? "every hour, on the hour" : `every hour at minute ${m}`, daily: false };
  const hourStep = step.exec(hour)?.[1];
  if (hourStep) return { text: `every ${hourStep} hours at minute ${m}`, daily: false };
  const hours = numbers(hour);
  if (!hours) return null;
  return { text: `at ${joinWords(hours.map((h) => `${pad(h)}:${pad(m)}`))}`, daily: true };
}

/**
 * describeCron says in words when a five-field cron expression runs (UTC), for the common shapes: steps,
 * lists and single values of minutes and hours, with days of the week or month and months. An expression
 * beyond them gives "" (the expression itself is shown beside it anyway).
 */
export function describeCron(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return "";
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string];
  const time = describeTime(minute, hour);
  if (!time) return "";
  const parts = [time.text];
  if (day === "*" && month === "*" && weekday === "*") {
    if (time.daily) parts.push("every day");
    return parts.join(", ");
  }
  if (weekday !== "*") {
    const days = numbers(weekday);
    if (!days || days.some((d) => d > 7)) return "";
    parts.push(`on ${joinWords(days.map((d) => weekdays[d] as string))}`);
  }
  if (day !== "*") {
    const dates = numbers(day);
    if (!dates) return "";
    parts.push(`on day ${joinWords(dates.map(String))} of the month`);
  }
  if (month !== "*") {
    const list = numbers(month);
    if (!list || list.some((n) => n < 1 || n > 12)) return "";
    parts.push(`in ${joinWords(list.map((n) => months[n] as string))}`);
  }
  return parts.join(", ");
}
