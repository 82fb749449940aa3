// The client's public API is written in terms of the wire types (Amount, Subject, Action, Caps, ...).
// Re-exporting them means `import Cycles` is all an application needs.
@_exported public import CyclesProtocol
