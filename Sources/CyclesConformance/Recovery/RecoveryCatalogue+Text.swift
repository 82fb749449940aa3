extension RecoveryCatalogue {
    /// `scenarios.yaml` of the SDK recovery profile, verbatim (profile `cycles-sdk-recovery`, version 0.3). Its
    /// digest is pinned by ``pinnedDigest``; a test fails if a byte changes.
    public static let text: String = #"""
profile: cycles-sdk-recovery
version: "0.3"

scenarios:
  - id: CR-CORE-001
    level: core
    name: lost commit response reuses the same key
    precondition: actual_known
    faults:
      - commit_response_lost
    expected_requests:
      - commit
      - commit_same_key
    assertions:
      - settlement_occurs_at_most_once
      - retry_uses_original_idempotency_key

  - id: CR-CORE-002
    level: core
    name: expired commit falls back to an event
    precondition: actual_known
    faults:
      - commit_reservation_expired
    expected_requests:
      - commit
      - event_same_key
    assertions:
      - event_carries_original_subject_action_actual
      - settlement_occurs_at_most_once

  - id: CR-CORE-003
    level: core
    name: heartbeat transport failure is observable and non-fatal
    precondition: action_running
    faults:
      - extend_transport_error
    expected_requests:
      - extend
      - extend_same_key
      - commit
    assertions:
      - heartbeat_failure_reports_reservation_and_disposition
      - guarded_action_continues_under_warn_policy
      - final_settlement_is_attempted

  - id: CR-CORE-004
    level: core
    name: protocol-invalid settlement success remains ambiguous
    precondition: actual_known
    faults:
      - commit_nonconformant_2xx_or_body
    expected_requests:
      - commit
      - commit_same_key
    assertions:
      - only_schema_valid_expected_status_is_terminal_success
      - ambiguous_success_retains_original_idempotency_key

  - id: CR-DURABLE-001
    level: durable
    name: first commit is journaled before it leaves the process
    precondition: actual_known
    faults:
      - process_terminated_while_first_commit_is_in_flight
      - process_restarted
    expected_requests:
      - commit
      - commit_same_key_after_restart
    assertions:
      - journal_write_precedes_first_settlement_request
      - unresolved_record_survives_restart
      - successful_replay_removes_record
      - settlement_occurs_at_most_once

  - id: CR-DURABLE-002
    level: durable
    name: replayed expired commit switches durably to event mode
    precondition: journal_contains_commit
    faults:
      - process_restarted
      - commit_reservation_expired
      - process_terminated_after_mode_switch
      - process_restarted
    expected_requests:
      - commit_same_key_after_restart
      - event_same_key_after_restart
    assertions:
      - event_mode_is_persisted_before_event_attempt
      - successful_event_removes_record
      - settlement_occurs_at_most_once

  - id: CR-DURABLE-003
    level: durable
    name: rate-limit floor survives restart
    precondition: actual_known
    faults:
      - commit_429_with_retry_after
      - process_terminated_after_journal_write
      - process_restarted_before_retry_after
    expected_requests:
      - commit
      - commit_same_key_after_retry_after
    assertions:
      - no_retry_before_persisted_not_before
      - successful_replay_removes_record

  - id: CR-DURABLE-004
    level: durable
    name: tenant journal survives API-key rotation
    precondition: journal_contains_commit_with_tenant_identity
    faults:
      - api_key_rotated
      - process_restarted
    expected_requests:
      - commit_same_key_after_restart
    assertions:
      - new_tenant_credential_finds_record
      - old_api_key_is_not_stored

  - id: CR-DURABLE-005
    level: durable
    name: corrupt or unsupported journal record is quarantined
    precondition: journal_contains_corrupt_or_unsupported_record
    faults:
      - process_restarted
    expected_requests: []
    assertions:
      - corrupt_record_is_quarantined
      - unsupported_record_version_is_quarantined
      - other_valid_records_still_replay
      - corruption_is_reported

  - id: CR-DURABLE-006
    level: durable
    name: concurrent replay remains exactly once
    precondition: journal_contains_commit
    faults:
      - two_independent_workers_replay_same_record
    expected_requests:
      - concurrent_commit_same_key
    assertions:
      - settlement_occurs_at_most_once
      - terminal_record_is_removed

  - id: CR-DURABLE-007
    level: durable
    name: journal filenames preserve distinct arbitrary reservation identifiers
    precondition: journal_contains_records_with_colliding_legacy_identifiers
    faults:
      - legacy_record_encountered
    expected_requests: []
    assertions:
      - standard_filename_is_sha256_of_exact_utf8_identifier
      - distinct_identifiers_never_share_a_journal_file
      - matching_legacy_record_migrates_without_deleting_collision

  - id: CR-BOUNDARY-001
    level: boundary
    name: missing actual is surfaced without settlement
    precondition: actual_unknown
    faults:
      - guarded_action_does_not_return_actual
    expected_requests: []
    assertions:
      - no_commit_or_event_without_known_actual
      - missing_actual_or_guarded_action_failure_is_surfaced

"""#

    /// `report.schema.json` of the SDK recovery profile (schema version 1.0), verbatim.
    public static let reportSchemaText: String = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://raw.githubusercontent.com/runcycles/cycles-protocol/main/client-recovery/report.schema.json",
  "title": "Cycles SDK Recovery Conformance Evidence Report",
  "type": "object",
  "additionalProperties": false,
  "required": [
    "$schema",
    "schema_version",
    "generated_at",
    "profile",
    "claim",
    "implementation",
    "summary",
    "scenarios"
  ],
  "properties": {
    "$schema": {
      "const": "https://raw.githubusercontent.com/runcycles/cycles-protocol/main/client-recovery/report.schema.json"
    },
    "schema_version": {
      "const": "1.0"
    },
    "generated_at": {
      "type": "string",
      "format": "date-time"
    },
    "profile": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "version",
        "commit",
        "catalog_sha256"
      ],
      "properties": {
        "name": {
          "const": "cycles-sdk-recovery"
        },
        "version": {
          "type": "string",
          "minLength": 1
        },
        "commit": {
          "type": "string",
          "minLength": 1
        },
        "catalog_sha256": {
          "type": "string",
          "pattern": "^[0-9a-f]{64}$"
        }
      }
    },
    "claim": {
      "enum": [
        "core",
        "durable"
      ]
    },
    "implementation": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "commit"
      ],
      "properties": {
        "id": {
          "type": "string",
          "minLength": 1
        },
        "commit": {
          "type": "string",
          "minLength": 1
        },
        "version": {
          "type": "string",
          "minLength": 1
        }
      }
    },
    "evidence_url": {
      "type": "string",
      "format": "uri"
    },
    "summary": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "total",
        "passed",
        "failed"
      ],
      "properties": {
        "total": {
          "type": "integer",
          "minimum": 0
        },
        "passed": {
          "type": "integer",
          "minimum": 0
        },
        "failed": {
          "type": "integer",
          "minimum": 0
        }
      }
    },
    "scenarios": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "id",
          "level",
          "name",
          "passed",
          "native_tests"
        ],
        "properties": {
          "id": {
            "type": "string",
            "pattern": "^CR-(CORE|DURABLE|BOUNDARY)-[0-9]{3}$"
          },
          "level": {
            "enum": [
              "core",
              "durable",
              "boundary"
            ]
          },
          "name": {
            "type": "string",
            "minLength": 1
          },
          "passed": {
            "type": "boolean"
          },
          "native_tests": {
            "type": "array",
            "uniqueItems": true,
            "items": {
              "type": "string",
              "minLength": 1
            }
          },
          "diagnostic": {
            "type": "string",
            "minLength": 1
          }
        }
      }
    }
  }
}

"""#
}
