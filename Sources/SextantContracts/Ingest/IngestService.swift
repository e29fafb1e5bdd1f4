public import SextantRPC

/// ingest-service: accounts, profiles, identities and the append-only event log.
/// proto-spec/ingest.md is the normative description of each method.
public enum IngestService {
    public static let serviceName = "sextant.ingest.v1.Ingest"

    /// Who may change accounts and write: the gateway and the admin tool.
    static let writers = CallerPolicy.only(.gateway, .admin)
    /// Who may read: every suite service.
    static let readers = CallerPolicy.anyAuthenticated

    public static let createAccount = RPCMethod<CreateAccountRequest, Account>(
        service: serviceName, method: "CreateAccount", kind: .unary, allowedCallers: writers)
    public static let updateAccount = RPCMethod<UpdateAccountRequest, Account>(
        service: serviceName, method: "UpdateAccount", kind: .unary, allowedCallers: writers)
    public static let getAccount = RPCMethod<AccountRef, Account>(
        service: serviceName, method: "GetAccount", kind: .unary, allowedCallers: readers)
    public static let listAccounts = RPCMethod<ListAccountsRequest, AccountList>(
        service: serviceName, method: "ListAccounts", kind: .unary, allowedCallers: readers)

    /// One batch, acknowledged after it is durable.
    public static let trackEvents = RPCMethod<TrackEventsRequest, TrackEventsResponse>(
        service: serviceName, method: "TrackEvents", kind: .unary, allowedCallers: writers)
    /// Bulk ingest: the client streams batches; each is answered, in order, once it is durable,
    /// so the client always knows what has been acknowledged (progress, safe retries).
    public static let trackEventStream = RPCMethod<TrackEventsRequest, TrackEventsResponse>(
        service: serviceName, method: "TrackEventStream", kind: .bidirectional, allowedCallers: writers)
    public static let getEvent = RPCMethod<GetEventRequest, LoggedEvent>(
        service: serviceName, method: "GetEvent", kind: .unary, allowedCallers: readers)

    public static let upsertProfile = RPCMethod<UpsertProfileRequest, Profile>(
        service: serviceName, method: "UpsertProfile", kind: .unary, allowedCallers: writers)
    public static let getProfile = RPCMethod<GetProfileRequest, Profile>(
        service: serviceName, method: "GetProfile", kind: .unary, allowedCallers: readers)

    public static let createCustomMetric = RPCMethod<CreateCustomMetricRequest, CustomMetric>(
        service: serviceName, method: "CreateCustomMetric", kind: .unary, allowedCallers: writers)
    public static let listCustomMetrics = RPCMethod<AccountRef, CustomMetricList>(
        service: serviceName, method: "ListCustomMetrics", kind: .unary, allowedCallers: readers)

    public static let logHead = RPCMethod<LogHeadRequest, LogHead>(
        service: serviceName, method: "LogHead", kind: .unary, allowedCallers: readers)
    public static let subscribe = RPCMethod<SubscribeRequest, LogBatch>(
        service: serviceName, method: "Subscribe", kind: .serverStreaming, allowedCallers: readers)
}

/// Lists accounts (no filter yet; the message exists so one can be added compatibly).
public struct ListAccountsRequest: Codable, Sendable, Hashable {
    public init() {}
}
