/**
 * The y-websocket wire protocol (what an unmodified `y-websocket` WebsocketProvider speaks).
 * Every frame is binary: varUint message type, then the type's payload.
 *
 *  - Sync (0): varUint sub-type, varUint8Array payload
 *      0 step 1: the sender's state vector; the receiver answers with step 2
 *      1 step 2: the update the receiver lacks (answer to step 1)
 *      2 update: an incremental update
 *  - Awareness (1): varUint8Array awareness update
 *      (varUint count, then count × {varUint clientID, varUint clock, varString JSON state})
 *  - Auth (2): server → client; varUint 0 + varString reason = "permission denied"
 *  - QueryAwareness (3): no payload; the receiver answers with all awareness states it knows
 */
export const MessageType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3 } as const;
export const SyncType = { Step1: 0, Step2: 1, Update: 2 } as const;
export const AuthType = { PermissionDenied: 0 } as const;

/**
 * Document names: 1–200 characters of letters, digits and `_ . : - /`, not starting with `/`.
 * Names are path-like (`task/42/layer/7`) so access rules can be derived from them.
 */
export const DOCUMENT_NAME = /^[A-Za-z0-9_.:-][A-Za-z0-9_.:/-]{0,199}$/;

export function isValidDocumentName(name: string): boolean {
  return DOCUMENT_NAME.test(name) && !name.includes('//') && !name.split('/').includes('..');
}
