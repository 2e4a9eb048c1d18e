// Errors with a stable machine-readable `code`, mirroring the Python engine's error classes
// (voting_engine/core/*, ballot_schemes/errors.py, voting_engine/domain/errors.py).

/** An Error with a stable `code` (the `message` is for people). */
export class CodedError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = new.target.name;
    /** @type {string} */
    this.code = code;
  }

  /** @returns {{code: string, message: string}} */
  toJSON() {
    return { code: this.code, message: this.message };
  }
}

/** Bad base64url text, a float in canonical JSON, malformed JSON (Python `EncodingError`). */
export class EncodingError extends CodedError {}

/** A point from outside failed validation; `reason` (= `code`) is Python's `PointError.reason`. */
export class PointError extends CodedError {
  /**
   * @param {string} reason bad_length | non_canonical | not_on_curve | small_order | identity | not_in_subgroup
   * @param {string} message
   */
  constructor(reason, message) {
    super(reason, message);
    this.reason = reason;
  }
}

/** A scalar encoding is not 32 bytes or not below L (Python `ScalarError`). */
export class ScalarError extends CodedError {}

/** A proof's JSON does not have the documented shape (Python `ProofFormatError`). */
export class ProofFormatError extends CodedError {}

/** A typed credential code is malformed: bad_type | bad_character | bad_length | bad_check. */
export class CredentialCodeError extends CodedError {}

/** Scheme parameters are malformed (Python `SchemeParameterError`). */
export class SchemeParameterError extends CodedError {}

/** A plaintext choice breaks a scheme rule (Python `InvalidChoice`). */
export class InvalidChoice extends CodedError {}

/** An encrypted ballot part is malformed or a proof fails (Python `InvalidBallot`). */
export class InvalidBallot extends CodedError {}

/** A ballot envelope is refused (Python `BallotRejected`, codes of docs/api.md). */
export class BallotRejected extends CodedError {}
