internal import CLibPQ

extension Connection {
    /// Whether the open transaction was aborted by an error and awaits ROLLBACK.
    var isInErrorState: Bool { PQtransactionStatus(handle) == PQTRANS_INERROR }
}
