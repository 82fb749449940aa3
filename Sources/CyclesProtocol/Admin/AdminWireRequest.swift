/// A request body of the governance admin plane.
///
/// The admin plane's wire schemas have one source of truth each: the `Codable` type in this folder. Its coding keys
/// name the fields (the server rejects any other member with a 400 naming it, as the spec's
/// `additionalProperties: false` asks), its decoder checks the types, and the same type encodes the clients' requests
/// and decodes the kit's answers.
public protocol AdminWireRequest: Codable, Sendable {
    /// Every member name the schema allows.
    static var wireFieldNames: [String] { get }
    /// The member names of the nested objects that are closed too (`additionalProperties: false`), by member.
    static var nestedWireFieldNames: [String: [String]] { get }
}

extension AdminWireRequest {
    /// No nested object is checked unless the schema says so.
    public static var nestedWireFieldNames: [String: [String]] { [:] }
}
