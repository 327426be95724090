/**
 * Where a repository is stored, as the repository screen's forms describe it, and what a
 * connection test found. Credentials travel separately from the location (never inside it),
 * named as the CLI's environment variables (README "Remote targets"); the host keeps secret
 * ones in the OS keychain and hands back `keychain:` references. Plain data only.
 */

export const targetSecretNames = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'CAIRN_TARGET_USER',
  'CAIRN_TARGET_PASSWORD',
  'CAIRN_SFTP_PASSWORD',
  'CAIRN_SFTP_KEY_FILE',
  'CAIRN_SFTP_KEY_PASSPHRASE',
] as const;

export type TargetSecretName = (typeof targetSecretNames)[number];

/** Values are the secrets themselves (sent once) or references (`keychain:ENTRY`). */
export type TargetSecrets = Partial<Record<TargetSecretName, string>>;

/** Which of them are secret, so go to the keychain; the others are settings (region, key file). */
export const secretTargetSettings: readonly TargetSecretName[] = [
  'AWS_SECRET_ACCESS_KEY',
  'CAIRN_TARGET_PASSWORD',
  'CAIRN_SFTP_PASSWORD',
  'CAIRN_SFTP_KEY_PASSPHRASE',
];

export interface ConnectionTest {
  latencyMs: number;
  repositoryExists: boolean;
  writable: boolean | null;
  freeBytes: number | null;
}

export interface HostKeyCheck {
  host: string;
  port: number;
  fingerprint: string;
  keyType: string;
  status: 'known' | 'new' | 'changed';
  pinned: string[];
}
