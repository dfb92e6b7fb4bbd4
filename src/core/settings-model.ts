export interface S3Config {
  enabled: boolean;
  bucket: string;
  region: string;
  endpoint: string;
  accessKey: string;
  secret: string;
  forcePathStyle: boolean;
}

export interface RateLimitRule {
  label: string;
  audience: "" | "@guest" | "@auth";
  duration: number;
  maxRequests: number;
}

/** The app settings, stored as the `settings` row of `_params` (PocketBase's shape and defaults). */
export interface Settings {
  superuserIPs: string[];
  smtp: {
    enabled: boolean;
    port: number;
    host: string;
    username: string;
    password: string;
    authMethod: string;
    tls: boolean;
    localName: string;
  };
  backups: { cron: string; cronMaxKeep: number; s3: S3Config };
  s3: S3Config;
  meta: {
    accentColor: string;
    appName: string;
    appURL: string;
    senderName: string;
    senderAddress: string;
    hideControls: boolean;
  };
  rateLimits: { rules: RateLimitRule[]; excludedIPs: string[]; enabled: boolean };
  trustedProxy: { headers: string[]; useLeftmostIP: boolean };
  batch: { enabled: boolean; maxRequests: number; timeout: number; maxBodySize: number };
  logs: { maxDays: number; minLevel: number; logIP: boolean; logAuthId: boolean };
}

/** An S3 configuration as the API shows it: without its secret. */
export type PublicS3Config = Omit<S3Config, "secret">;

/**
 * The settings as `GET`/`PATCH /api/settings` answer them: the SMTP password and the S3 secrets left out.
 * The dashboard reads this type.
 */
export type PublicSettings = Omit<Settings, "smtp" | "s3" | "backups"> & {
  smtp: Omit<Settings["smtp"], "password">;
  s3: PublicS3Config;
  backups: Omit<Settings["backups"], "s3"> & { s3: PublicS3Config };
};

/** A body of `PATCH /api/settings`: any part of the settings (secrets included), merged onto the stored ones. */
export type SettingsPatch = { [K in keyof Settings]?: PartialDeep<Settings[K]> };
type PartialDeep<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: PartialDeep<T[K]> } : T;

const s3Defaults = (): S3Config => ({
  enabled: false,
  bucket: "",
  region: "",
  endpoint: "",
  accessKey: "",
  secret: "",
  forcePathStyle: false,
});

export function defaultSettings(): Settings {
  return {
    superuserIPs: [],
    smtp: {
      enabled: false,
      port: 587,
      host: "smtp.example.com",
      username: "",
      password: "",
      authMethod: "",
      tls: false,
      localName: "",
    },
    backups: { cron: "", cronMaxKeep: 3, s3: s3Defaults() },
    s3: s3Defaults(),
    meta: {
      accentColor: "#1055c9",
      appName: "Acme",
      appURL: "http://localhost:8090",
      senderName: "Support",
      senderAddress: "support@example.com",
      hideControls: false,
    },
    rateLimits: {
      rules: [
        { label: "*:auth", audience: "", duration: 3, maxRequests: 2 },
        { label: "*:create", audience: "", duration: 5, maxRequests: 20 },
        { label: "/api/batch", audience: "", duration: 1, maxRequests: 3 },
        { label: "/api/", audience: "", duration: 10, maxRequests: 300 },
      ],
      excludedIPs: [],
      enabled: false,
    },
    trustedProxy: { headers: [], useLeftmostIP: false },
    batch: { enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 },
    logs: { maxDays: 5, minLevel: 0, logIP: true, logAuthId: false },
  };
}

/** cloneSettings is a deep copy of the settings. */
export function cloneSettings(settings: Settings): Settings {
  return structuredClone(settings);
}

/**
 * publicSettings is the settings JSON for clients: the SMTP password and the S3 secrets are left out (so a
 * PATCH that omits them keeps the stored values).
 */
export function publicSettings(settings: Settings): PublicSettings {
  const { password: _password, ...smtp } = settings.smtp;
  const { secret: _secret, ...s3 } = settings.s3;
  const { secret: _backupsSecret, ...backupsS3 } = settings.backups.s3;
  return { ...settings, smtp, s3, backups: { ...settings.backups, s3: backupsS3 } };
}
