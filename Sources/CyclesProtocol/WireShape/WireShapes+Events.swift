/// The event stream's and webhook delivery's normative schemas (`cycles-governance-admin-v0.1.25.yaml`: `Event`, every
/// `EventData…`, `WebhookDelivery` and their list responses), for the conformance kit's response oracle.
///
/// Each field name is the coding key of the `Codable` type that reads and writes the schema (``ProtocolEvent``,
/// ``EventDataBudgetLifecycle``, ``WebhookDelivery``, …), and each shape comes from an exhaustive `switch` over those
/// keys: a field is spelled once, and a field added to a type without a shape here does not compile.
extension WireShapes {
    static let permissions = WireShape.array(.oneOf(Permission.knownValues.map(\.rawValue)))
    static let overagePolicies = WireShape.oneOf(CommitOveragePolicy.knownValues.map(\.rawValue))
    static let anyInteger = WireShape.integer()
    static let twoHex = WireShape.string(minLength: 2, maxLength: 2)

    /// `Event.actor`.
    public static let eventActor = ObjectShape("Event.actor", keys: ProtocolEvent.Actor.CodingKeys.self, closed: true) {
        switch $0 {
        case .type: .oneOf(["admin", "api_key", "admin_on_behalf_of", "system", "scheduler"])
        case .keyID, .sourceIP: .anyString
        }
    }

    /// `Event`. `event_type` is any string here: the spec's enum is extensible (`custom.` types), so the kit judges the
    /// value itself (``WireShapes/eventDataShape(for:)`` knows the v0.1.25 types).
    public static let event = ObjectShape(
        "Event", keys: ProtocolEvent.CodingKeys.self,
        required: [.eventID, .eventType, .category, .timestamp, .tenantID, .source], closed: true
    ) {
        switch $0 {
        case .eventID, .eventType, .timestamp, .tenantID, .scope, .source, .correlationID, .requestID: .anyString
        case .category: .oneOf(EventCategory.knownValues.map(\.rawValue))
        case .actor: .object(eventActor)
        case .data, .metadata: .anyObject
        case .traceID: .hex32
        }
    }

    /// `EventListResponse`.
    public static let eventListResponse = ObjectShape(
        "EventListResponse", keys: EventListResponse.CodingKeys.self, required: [.events, .hasMore], closed: false
    ) {
        switch $0 {
        case .events: .array(.object(event))
        case .nextCursor: .anyString
        case .hasMore: .boolean
        }
    }

    /// `EventDataBudgetLifecycle.previous_state` / `new_state`.
    static let budgetStateSnapshot = ObjectShape(
        "EventDataBudgetLifecycle state", keys: BudgetStateSnapshot.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .allocated, .remaining, .debt, .spent, .reserved: anyInteger
        case .status: .anyString
        }
    }

    /// `EventDataBudgetLifecycle`.
    public static let eventDataBudgetLifecycle = ObjectShape(
        "EventDataBudgetLifecycle", keys: EventDataBudgetLifecycle.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .ledgerID, .scope, .reason: .anyString
        case .unit: unit
        case .operation:
            .oneOf(["CREDIT", "DEBIT", "RESET", "RESET_SPENT", "REPAY_DEBT", "STATUS_CHANGE", "CREATE", "UPDATE"])
        case .previousState, .newState: .object(budgetStateSnapshot)
        case .spentOverrideProvided: .boolean
        }
    }

    /// `EventDataBudgetThreshold`.
    public static let eventDataBudgetThreshold = ObjectShape(
        "EventDataBudgetThreshold", keys: EventDataBudgetThreshold.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .scope: .anyString
        case .unit: unit
        case .threshold, .utilization: .number()
        case .allocated, .remaining, .spent, .reserved: anyInteger
        case .direction: .oneOf(["rising", "falling"])
        }
    }

    /// `EventDataBudgetOverLimit`.
    public static let eventDataBudgetOverLimit = ObjectShape(
        "EventDataBudgetOverLimit", keys: EventDataBudgetOverLimit.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .scope: .anyString
        case .unit: unit
        case .debt, .overdraftLimit: anyInteger
        case .isOverLimit: .boolean
        case .debtUtilization: .number()
        }
    }

    /// `EventDataBudgetDebtIncurred`.
    public static let eventDataBudgetDebtIncurred = ObjectShape(
        "EventDataBudgetDebtIncurred", keys: EventDataBudgetDebtIncurred.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .scope, .reservationID: .anyString
        case .unit: unit
        case .debtIncurred, .totalDebt, .overdraftLimit: anyInteger
        case .overagePolicy: overagePolicies
        }
    }

    /// `EventDataBurnRateAnomaly`.
    public static let eventDataBurnRateAnomaly = ObjectShape(
        "EventDataBurnRateAnomaly", keys: EventDataBurnRateAnomaly.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .scope: .anyString
        case .unit: unit
        case .currentRate, .baselineRate, .multiplier, .projectedExhaustionMinutes: .number()
        case .windowSeconds: anyInteger
        }
    }

    /// `EventDataReservationDenied`.
    public static let eventDataReservationDenied = ObjectShape(
        "EventDataReservationDenied", keys: EventDataReservationDenied.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .scope: .anyString
        case .unit: unit
        case .reasonCode: .string(maxLength: 128)
        case .requestedAmount, .remaining: anyInteger
        case .action, .subject, .denyDetail: .anyObject
        case .policyID: .string(maxLength: 256)
        }
    }

    /// `EventDataReservationExpired`.
    public static let eventDataReservationExpired = ObjectShape(
        "EventDataReservationExpired", keys: EventDataReservationExpired.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .reservationID, .scope, .createdAt, .expiredAt: .anyString
        case .unit: unit
        case .estimatedAmount, .ttlMs, .extensionsUsed: anyInteger
        }
    }

    /// `EventDataRateSpike`.
    public static let eventDataRateSpike = ObjectShape(
        "EventDataRateSpike", keys: EventDataRateSpike.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .metric: .oneOf(["denial_rate", "expiry_rate", "auth_failure_rate"])
        case .currentRate, .thresholdRate: .number()
        case .windowSeconds, .sampleCount: anyInteger
        }
    }

    /// `EventDataCommitOverage`.
    public static let eventDataCommitOverage = ObjectShape(
        "EventDataCommitOverage", keys: EventDataCommitOverage.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .reservationID, .scope: .anyString
        case .unit: unit
        case .estimatedAmount, .actualAmount, .overage, .debtIncurred: anyInteger
        case .overagePolicy: overagePolicies
        }
    }

    /// `EventDataTenantLifecycle`.
    public static let eventDataTenantLifecycle = ObjectShape(
        "EventDataTenantLifecycle", keys: EventDataTenantLifecycle.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .tenantID: .anyString
        case .previousStatus, .newStatus: .oneOf(["ACTIVE", "SUSPENDED", "CLOSED"])
        case .changedFields: .stringArray
        }
    }

    /// `EventDataWebhookLifecycle`.
    public static let eventDataWebhookLifecycle = ObjectShape(
        "EventDataWebhookLifecycle", keys: EventDataWebhookLifecycle.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .subscriptionID, .tenantID, .disableReason: .anyString
        case .previousStatus, .newStatus: .oneOf(["ACTIVE", "PAUSED", "DISABLED"])
        case .changedFields: .stringArray
        }
    }

    /// `EventDataApiKey`.
    public static let eventDataAPIKey = ObjectShape(
        "EventDataApiKey", keys: EventDataApiKey.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .keyID, .keyName, .failureReason, .sourceIP: .anyString
        case .previousStatus, .newStatus: .oneOf(["ACTIVE", "REVOKED", "EXPIRED"])
        case .permissions: permissions
        }
    }

    /// `EventDataPolicy`.
    public static let eventDataPolicy = ObjectShape("EventDataPolicy", keys: EventDataPolicy.CodingKeys.self, closed: false)
    {
        switch $0 {
        case .policyID, .name, .scopePattern: .anyString
        case .changedFields: .stringArray
        }
    }

    /// `EventDataSystem`.
    public static let eventDataSystem = ObjectShape("EventDataSystem", keys: EventDataSystem.CodingKeys.self, closed: false)
    {
        switch $0 {
        case .component, .message: .anyString
        case .severity: .oneOf(["info", "warning", "critical"])
        case .details: .anyObject
        }
    }

    /// `EventDataTenantCascade`.
    public static let eventDataTenantCascade = ObjectShape(
        "EventDataTenantCascade", keys: EventDataTenantCascade.CodingKeys.self, closed: false
    ) {
        switch $0 {
        case .ledgerID, .subscriptionID, .keyID, .name, .scope, .priorStatus, .newStatus, .cascadeReason: .anyString
        case .unit: unit
        case .releasedAmount: anyInteger
        }
    }

    /// The `EventData…` schema of a v0.1.25 event type (`Event.data` "varies by event_type"); `nil` for a type the
    /// spec does not define (a `custom.` type or one from a newer revision).
    public static func eventDataShape(for type: EventType) -> ObjectShape? {
        switch type {
        case .budgetClosedViaTenantCascade, .reservationReleasedViaTenantCascade, .webhookDisabledViaTenantCascade,
            .apiKeyRevokedViaTenantCascade:
            return eventDataTenantCascade
        case .budgetThresholdCrossed, .budgetExhausted: return eventDataBudgetThreshold
        case .budgetOverLimitEntered, .budgetOverLimitExited: return eventDataBudgetOverLimit
        case .budgetDebtIncurred: return eventDataBudgetDebtIncurred
        case .budgetBurnRateAnomaly: return eventDataBurnRateAnomaly
        case .reservationDenied: return eventDataReservationDenied
        case .reservationExpired: return eventDataReservationExpired
        case .reservationDenialRateSpike, .reservationExpiryRateSpike, .apiKeyAuthFailureRateSpike:
            return eventDataRateSpike
        case .reservationCommitOverage: return eventDataCommitOverage
        default: break
        }
        guard EventType.knownValues.contains(type) else { return nil }
        switch type.category {
        case .budget: return eventDataBudgetLifecycle
        case .tenant: return eventDataTenantLifecycle
        case .webhook: return eventDataWebhookLifecycle
        case .apiKey: return eventDataAPIKey
        case .policy: return eventDataPolicy
        case .system: return eventDataSystem
        default: return nil
        }
    }

    /// `WebhookDelivery`.
    public static let webhookDelivery = ObjectShape(
        "WebhookDelivery", keys: WebhookDelivery.CodingKeys.self,
        required: [.deliveryID, .subscriptionID, .eventID, .status, .attemptedAt], closed: true
    ) {
        switch $0 {
        case .deliveryID, .subscriptionID, .eventID, .eventType, .attemptedAt, .completedAt, .errorMessage,
            .nextRetryAt:
            .anyString
        case .status: .oneOf(["PENDING", "SUCCESS", "FAILED", "RETRYING"])
        case .attempts, .responseStatus, .responseTimeMs: anyInteger
        case .traceID: .hex32
        case .traceFlags: twoHex
        case .traceparentInboundValid: .boolean
        }
    }

    /// `WebhookDeliveryListResponse`.
    public static let webhookDeliveryListResponse = ObjectShape(
        "WebhookDeliveryListResponse", keys: WebhookDeliveryListResponse.CodingKeys.self,
        required: [.deliveries, .hasMore], closed: false
    ) {
        switch $0 {
        case .deliveries: .array(.object(webhookDelivery))
        case .nextCursor: .anyString
        case .hasMore: .boolean
        }
    }
}

extension ObjectShape {
    /// A schema whose fields are the coding keys of the `Codable` type that carries it: `shape` names each key's
    /// shape (write it as an exhaustive `switch`, so no field goes without one), `required` the keys that must be
    /// present, `closed` whether other members are violations (`additionalProperties: false`).
    init<Key: CodingKey & CaseIterable>(
        _ name: String, keys: Key.Type, required: [Key] = [], closed: Bool, shape: (Key) -> WireShape
    ) {
        let requiredNames = Set(required.map(\.stringValue))
        var requiredFields: [String: WireShape] = [:]
        var optionalFields: [String: WireShape] = [:]
        for key in Key.allCases {
            if requiredNames.contains(key.stringValue) {
                requiredFields[key.stringValue] = shape(key)
            } else {
                optionalFields[key.stringValue] = shape(key)
            }
        }
        self.init(name, required: requiredFields, optional: optionalFields, closed: closed)
    }
}
