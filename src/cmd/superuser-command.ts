import type { App } from "../core/app.ts";
import { type Command, type CommandInput, UsageError } from "./command.ts";

/** Opens the app of the command's data directory, runs fn and always closes the databases. */
export type WithApp = <T>(input: CommandInput, fn: (app: App) => Promise<T>) => Promise<T>;

// the operations are loaded when a command runs, so that help and usage errors answer without loading the app
const operations = () => import("./superuser.ts");

function emailAndPassword(args: readonly string[]): [string, string] {
  if (args.length !== 2) throw new UsageError("missing email and password arguments");
  return [args[0] ?? "", args[1] ?? ""];
}

function onlyEmail(args: readonly string[]): string {
  if (args.length !== 1) throw new UsageError("invalid or missing email address");
  return args[0] ?? "";
}

/** superuserCommand is `satchel superuser upsert|create|update|delete|otp`. */
export function superuserCommand(withApp: WithApp): Command {
  return {
    name: "superuser",
    summary: "Manage superusers",
    commands: [
      {
        name: "create",
        summary: "Creates a new superuser",
        argsUsage: "EMAIL PASSWORD",
        example: "satchel superuser create test@example.com 1234567890",
        async run(input) {
          const [email, password] = emailAndPassword(input.args);
          const { checkEmail, createSuperuser } = await operations();
          checkEmail(email);
          await withApp(input, (app) => createSuperuser(app, email, password));
          input.io.out(`Successfully created new superuser ${JSON.stringify(email)}!\n`);
          return 0;
        },
      },
      {
        name: "delete",
        summary: "Deletes an existing superuser",
        argsUsage: "EMAIL",
        example: "satchel superuser delete test@example.com",
        async run(input) {
          const email = onlyEmail(input.args);
          const { checkEmail, deleteSuperuser } = await operations();
          checkEmail(email, "invalid or missing email address");
          await withApp(input, (app) => deleteSuperuser(app, email));
          input.io.out(`Successfully deleted superuser ${JSON.stringify(email)}!\n`);
          return 0;
        },
      },
      {
        name: "otp",
        summary: "Creates a new OTP for the specified superuser",
        argsUsage: "EMAIL",
        example: "satchel superuser otp test@example.com",
        async run(input) {
          const email = onlyEmail(input.args);
          const { checkEmail, createSuperuserOtp } = await operations();
          checkEmail(email, "invalid or missing email address");
          const otp = await withApp(input, (app) => createSuperuserOtp(app, email));
          input.io.out(
            `Successfully created OTP for superuser ${JSON.stringify(otp.email)}:\n` +
              `├─ Id:    ${otp.id}\n├─ Pass:  ${otp.password}\n└─ Valid: ${otp.duration}s\n\n`,
          );
          return 0;
        },
      },
      {
        name: "update",
        summary: "Changes the password of a single superuser",
        argsUsage: "EMAIL PASSWORD",
        example: "satchel superuser update test@example.com 1234567890",
        async run(input) {
          const [email, password] = emailAndPassword(input.args);
          const { checkEmail, updateSuperuser } = await operations();
          checkEmail(email);
          await withApp(input, (app) => updateSuperuser(app, email, password));
          input.io.out(`Successfully changed superuser ${JSON.stringify(email)} password!\n`);
          return 0;
        },
      },
      {
        name: "upsert",
        summary: "Creates, or updates if email exists, a single superuser",
        argsUsage: "EMAIL PASSWORD",
        example: "satchel superuser upsert test@example.com 1234567890",
        async run(input) {
          const [email, password] = emailAndPassword(input.args);
          const { checkEmail, upsertSuperuser } = await operations();
          checkEmail(email);
          await withApp(input, (app) => upsertSuperuser(app, email, password));
          input.io.out(`Successfully saved superuser ${JSON.stringify(email)}!\n`);
          return 0;
        },
      },
    ],
  };
}
