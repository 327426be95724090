import { useId, type ReactNode } from 'react';
import type { TargetFields, TargetKind } from './target-location';

export const targetKinds: { kind: TargetKind; label: string }[] = [
  { kind: 'local', label: 'Local folder or drive' },
  { kind: 's3', label: 'S3 (AWS, MinIO, B2, R2, Wasabi…)' },
  { kind: 'webdav', label: 'WebDAV (Nextcloud, ownCloud…)' },
  { kind: 'rest', label: 'REST server (rest-server)' },
  { kind: 'sftp', label: 'SFTP (SSH server)' },
];

type Change = (field: keyof TargetFields, value: string) => void;

function Field({
  name,
  label,
  value,
  onChange,
  type = 'text',
  placeholder,
  hint,
}: {
  name: keyof TargetFields;
  label: string;
  value: string;
  onChange: Change;
  type?: 'text' | 'password';
  placeholder?: string;
  hint?: ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className={`input ${type === 'text' ? 'mono' : ''}`}
        type={type}
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete={type === 'password' ? 'off' : 'off'}
        onChange={(e) => onChange(name, e.target.value)}
        data-testid={`target-${name}`}
      />
      {hint && <p className="hint">{hint}</p>}
    </div>
  );
}

const keychainHint = 'Kept in the OS keychain, never in Cairn’s settings.';

/** The fields of one kind of target (local folders keep the connect screen's path field). */
export function RemoteTargetFields({
  kind,
  fields,
  onChange,
}: {
  kind: Exclude<TargetKind, 'local'>;
  fields: TargetFields;
  onChange: Change;
}) {
  const f = (name: keyof TargetFields) => ({ name, value: fields[name], onChange });
  switch (kind) {
    case 's3':
      return (
        <>
          <Field
            {...f('endpoint')}
            label="Endpoint"
            placeholder="https://s3.eu-central-1.amazonaws.com"
            hint="Empty for AWS itself."
          />
          <div className="field-pair">
            <Field {...f('bucket')} label="Bucket" placeholder="my-backups" />
            <Field {...f('prefix')} label="Folder in the bucket (optional)" placeholder="laptop" />
          </div>
          <Field {...f('region')} label="Region (optional)" placeholder="us-east-1" />
          <Field {...f('accessKeyId')} label="Access key ID" />
          <Field
            {...f('secretAccessKey')}
            label="Secret access key"
            type="password"
            hint={keychainHint}
          />
        </>
      );
    case 'webdav':
    case 'rest':
      return (
        <>
          <Field
            {...f('url')}
            label="Server address"
            placeholder={
              kind === 'webdav'
                ? 'https://cloud.example.com/remote.php/dav/files/me/cairn'
                : 'https://backup.example.com:8000/laptop'
            }
          />
          <Field {...f('user')} label="User" />
          <Field {...f('password')} label="Password" type="password" hint={keychainHint} />
        </>
      );
    case 'sftp':
      return (
        <>
          <div className="field-pair">
            <Field {...f('host')} label="Host" placeholder="nas.local" />
            <Field {...f('port')} label="Port" placeholder="22" />
          </div>
          <Field {...f('user')} label="User" />
          <Field
            {...f('remotePath')}
            label="Folder on the server"
            placeholder="/srv/backup/cairn"
            hint="Starting with / it is absolute; otherwise below the user's home folder."
          />
          <Field {...f('password')} label="Password" type="password" hint={keychainHint} />
          <Field
            {...f('keyFile')}
            label="Or a private key file"
            placeholder="/home/me/.ssh/id_ed25519"
          />
          {fields.keyFile.trim() !== '' && (
            <Field {...f('keyPassphrase')} label="Key passphrase (if any)" type="password" />
          )}
        </>
      );
  }
}
