import Kernel

/// What each request is answered with: the site's files, `/status`, or an error.
enum HttpRoutes {
    struct Answer {
        let status: HttpStatus
        let contentType: StaticString
        let body: ArraySlice<UInt8>
    }

    static func answer(_ request: HttpRequest, server: Http) -> Answer {
        guard request.method != .other else { return error(.methodNotAllowed, "only GET and HEAD are served") }
        if request.path.elementsEqual("/status".utf8) {
            return Answer(status: .ok, contentType: "application/json", body: server.statusJSON()[...])
        }
        guard let file = Site.file(at: request.path) else { return error(.notFound, "no such file on this server") }
        return Answer(status: .ok, contentType: file.contentType, body: file.body[...])
    }

    static func error(_ status: HttpStatus, _ why: StaticString) -> Answer {
        Answer(status: status, contentType: "text/plain; charset=utf-8", body: HttpResponse.errorBody(status, why)[...])
    }
}
