public import CyclesProtocol

/// An `AsyncSequence` that walks every page of a cursor-paginated listing, one element at a time.
///
/// Pages are fetched lazily as the sequence is iterated. Iteration stops when the server sends no
/// `next_cursor` or says `has_more: false`; a cursor that repeats is reported as an invalid response instead
/// of looping forever.
public struct PagedSequence<Element: Sendable>: AsyncSequence, Sendable {
    /// One page: its elements and the cursor of the next page.
    struct Page: Sendable {
        var elements: [Element]
        var nextCursor: String?
        var hasMore: Bool?
    }

    let fetchPage: @Sendable (_ cursor: String?) async throws -> Page
    let firstCursor: String?

    /// Iterates the elements of every page.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let fetchPage: @Sendable (_ cursor: String?) async throws -> Page
        var buffer: [Element] = []
        var bufferIndex = 0
        var cursor: String?
        var seenCursors: Set<String> = []
        var finished = false

        /// The next element, fetching the next page when the current one is used up.
        public mutating func next() async throws -> Element? {
            while bufferIndex >= buffer.count {
                if finished { return nil }
                let page = try await fetchPage(cursor)
                buffer = page.elements
                bufferIndex = 0
                if let next = page.nextCursor, !next.isEmpty, page.hasMore != false {
                    guard seenCursors.insert(next).inserted else {
                        throw CyclesError(kind: .invalidResponse, message: "the server repeated cursor \(next)")
                    }
                    cursor = next
                } else {
                    finished = true
                }
            }
            defer { bufferIndex += 1 }
            return buffer[bufferIndex]
        }
    }

    /// Starts iterating from the first page.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(fetchPage: fetchPage, cursor: firstCursor) }
}

extension CyclesClient {
    /// Every balance matching `query`, across all pages.
    ///
    /// ```swift
    /// for try await balance in client.balances(BalanceQuery(tenant: "acme")) {
    ///     print(balance.scopePath, balance.remaining)
    /// }
    /// ```
    public func balances(_ query: BalanceQuery = BalanceQuery()) -> PagedSequence<Balance> {
        PagedSequence(
            fetchPage: { [self] cursor in
                var pageQuery = query
                pageQuery.cursor = cursor
                let response = try await getBalances(pageQuery)
                return .init(elements: response.balances, nextCursor: response.nextCursor, hasMore: response.hasMore)
            }, firstCursor: query.cursor)
    }

    /// Every reservation matching `query`, across all pages.
    public func reservations(_ query: ReservationListQuery = ReservationListQuery()) -> PagedSequence<
        ReservationSummary
    > {
        PagedSequence(
            fetchPage: { [self] cursor in
                var pageQuery = query
                pageQuery.cursor = cursor
                let response = try await listReservations(pageQuery)
                return .init(
                    elements: response.reservations, nextCursor: response.nextCursor, hasMore: response.hasMore)
            }, firstCursor: query.cursor)
    }
}
