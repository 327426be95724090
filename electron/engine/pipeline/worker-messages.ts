export type WorkerRequest =
  | { op: 'seal'; seq: number; data: ArrayBuffer; level?: number }
  | { op: 'open'; seq: number; data: ArrayBuffer; what: string; verifyId: boolean };

export type WorkerResponse =
  | { seq: number; ok: true; data: ArrayBuffer; id?: string | undefined }
  | { seq: number; ok: false; error: string };
