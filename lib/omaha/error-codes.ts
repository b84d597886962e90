/** update_engine error-code flag bits, masked off before the code is decoded. */
export const ERROR_FLAGS = {
  devMode: 1 << 31,
  resumed: 1 << 30,
  testImage: 1 << 29,
  nonOfficialServer: 1 << 28,
} as const;

const FLAG_MASK = (ERROR_FLAGS.devMode | ERROR_FLAGS.resumed | ERROR_FLAGS.testImage | ERROR_FLAGS.nonOfficialServer) >>> 0;

// Flatcar's update_engine codes as it names them (src/update_engine/action_processor.h, enum
// ActionExitCode, without the kActionCode prefix). Chromium OS's later ErrorCode enum differs
// from 42 on (there 42/43 are a channel-change cancel and a firmware error); Flatcar's are not those.
const NAMES: Record<number, string> = {
  0: "Success",
  1: "Error",
  2: "OmahaRequestError",
  3: "OmahaResponseHandlerError",
  4: "FilesystemCopierError",
  5: "PostinstallRunnerError",
  6: "SetBootableFlagError",
  7: "InstallDeviceOpenError",
  8: "KernelDeviceOpenError",
  9: "DownloadTransferError",
  10: "PayloadHashMismatchError",
  11: "PayloadSizeMismatchError",
  12: "DownloadPayloadVerificationError",
  13: "DownloadNewPartitionInfoError",
  14: "DownloadWriteError",
  15: "NewRootfsVerificationError",
  16: "NewKernelVerificationError",
  17: "SignedDeltaPayloadExpectedError",
  18: "DownloadPayloadPubKeyVerificationError",
  19: "PostinstallBootedFromFirmwareB",
  20: "DownloadStateInitializationError",
  21: "DownloadInvalidMetadataMagicString",
  22: "DownloadSignatureMissingInManifest",
  23: "DownloadManifestParseError",
  24: "DownloadMetadataSignatureError",
  25: "DownloadMetadataSignatureVerificationError",
  26: "DownloadMetadataSignatureMismatch",
  27: "DownloadOperationHashVerificationError",
  28: "DownloadOperationExecutionError",
  29: "DownloadOperationHashMismatch",
  30: "OmahaRequestEmptyResponseError",
  31: "OmahaRequestXMLParseError",
  32: "DownloadInvalidMetadataSize",
  33: "DownloadInvalidMetadataSignature",
  34: "OmahaResponseInvalid",
  35: "OmahaUpdateIgnoredPerPolicy",
  36: "OmahaUpdateDeferredPerPolicy",
  37: "OmahaErrorInHTTPResponse",
  38: "DownloadOperationHashMissingError",
  39: "DownloadMetadataSignatureMissingError",
  40: "OmahaUpdateDeferredForBackoff",
  41: "PostinstallPowerwashError",
  42: "NewPCRPolicyVerificationError",
  43: "NewPCRPolicyHTTPError",
  // Sent as 3/0 when the host still runs the version it ran before the update: GRUB fell back
  // to the old partition (omaha_request_action.cc, GetAppBody).
  44: "RollbackError",
  // Not an error to report (update_engine's EAGAIN), named for completeness.
  100: "DownloadIncomplete",
  2000: "OmahaRequestHTTPResponseBase",
};

export interface DecodedError {
  code: number;
  name: string;
  flags: Array<keyof typeof ERROR_FLAGS>;
}

export function decodeErrorCode(raw: number): DecodedError {
  const unsigned = raw >>> 0;
  const code = (unsigned & ~FLAG_MASK) >>> 0;
  const flags = (Object.keys(ERROR_FLAGS) as Array<keyof typeof ERROR_FLAGS>).filter((f) => (unsigned & (ERROR_FLAGS[f] >>> 0)) !== 0);
  // Codes above 2000 are HTTP statuses the client got from the server (base 2000 + status).
  const name = NAMES[code] ?? (code > 2000 && code < 3000 ? `OmahaRequestHTTPResponse${code - 2000}` : `Error${code}`);
  return { code, name, flags };
}

export const ROLLBACK_DETECTED = 44;
