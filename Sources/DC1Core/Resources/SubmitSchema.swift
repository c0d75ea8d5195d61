/// The submit schema of §7.1 (zod `.strict()`), applied locally so a bad field is named before
/// anything is sent, and the body is converted to the types the server insists on.
enum SubmitSchema {
    static let jobTypes: Set<String> = [
        "llm_inference", "llm-inference", "image_generation", "vllm_serve", "custom_container",
        "training", "rendering", "benchmark", "rag-pipeline",
    ]
    static let gpuTypes: Set<String> = [
        "H200", "H100", "A100", "L40S", "L40", "RTX4090", "RTX4080", "RTX3090", "RTX3080",
    ]

    static let keys: Set<String> = [
        "job_type", "duration_minutes", "provider_id", "params", "model", "priority", "pricing_class",
        "max_duration_seconds", "gpu_requirements", "container_spec", "task_spec", "template_id",
        "bundle_id", "prewarm_requested", "env_vars",
    ]

    static func fail(_ field: String, _ message: String) -> DC1Error {
        var e = DC1Error(.validation, "submit: \(field): \(message)")
        let f = JSON.object()
        f.set("field", field)
        f.set("message", message)
        let arr = JSON.array()
        arr.append(f)
        e.setDetail("fields", arr)
        return e
    }

    /// A number, or a string holding one (the guide's users pass "10" sometimes).
    static func number(_ v: JSON, _ field: String) throws(DC1Error) -> Double {
        if let d = v.doubleValue, d.isFinite { return d }
        if let s = v.stringValue, let d = Double(s.trimmingSpaces), d.isFinite { return d }
        throw fail(field, "Invalid input: expected number, received \(v.typeName)")
    }

    static func normalise(_ input: JSON) throws(DC1Error) -> JSON {
        guard input.isObject else {
            throw DC1Error.invalid("request_json must be a JSON object, got \(input.typeName)")
        }
        let unknown = input.keys.filter { !keys.contains($0) }
        if !unknown.isEmpty {
            throw fail(
                "(root)",
                (unknown.count == 1 ? "Unrecognized key: " : "Unrecognized keys: ")
                    + unknown.map { "\"\($0)\"" }.joined(separator: ", ")
                    + " (the server accepts no other keys; put job inputs in params)")
        }
        let out = JSON.object()

        // job_type: required unless a template or bundle supplies it.
        if let v = input["job_type"], !v.isNull {
            guard let s = v.stringValue, !s.isEmpty, s.count <= 64 else {
                throw fail("job_type", "expected a non-empty string of at most 64 characters")
            }
            guard SubmitSchema.jobTypes.contains(s) else {
                throw fail(
                    "job_type",
                    "Invalid job_type \"\(s)\". Allowed: " + SubmitSchema.jobTypes.sorted().joined(separator: ", "))
            }
            out.set("job_type", s)
        } else if input["template_id"] == nil && input["bundle_id"] == nil {
            throw fail("job_type", "required (unless template_id or bundle_id supplies it)")
        }

        guard let dv = input["duration_minutes"], !dv.isNull else {
            throw fail("duration_minutes", "required: the runtime budget and quote basis in minutes (0.1–1440)")
        }
        let duration = try number(dv, "duration_minutes")
        guard duration >= 0.1, duration <= 1440 else {
            throw fail(
                "duration_minutes",
                duration < 0.1 ? "Too small: expected number to be >=0.1" : "Too big: expected number to be <=1440")
        }
        out.set("duration_minutes", duration == duration.rounded() ? JSON.int(Int(duration)) : JSON.double(duration))

        if let v = input["provider_id"] {
            if v.isNull {
                out.set("provider_id", JSON.null())
            } else {
                let d = try number(v, "provider_id")
                guard d >= 1, d == d.rounded(), d < 1e15 else {
                    throw fail("provider_id", "expected a positive integer")
                }
                out.set("provider_id", Int(d))
            }
        }

        if let v = input["params"], !v.isNull {
            guard v.isObject else { throw fail("params", "expected an object, received \(v.typeName)") }
            for k in v.keys {
                let pv = v[k]!
                guard pv.isScalar else {
                    throw fail(
                        "params.\(k)",
                        "values must be string, number or boolean (received \(pv.typeName)); "
                            + "the server rejects arrays, objects and null")
                }
            }
            out.set("params", v.deepCopy())
        } else {
            out.set("params", JSON.object())
        }

        if let v = input["model"], !v.isNull {
            guard let s = v.stringValue, !s.isEmpty, s.utf8.count <= 256 else {
                throw fail("model", "expected a string of 1–256 characters")
            }
            let ok = s.utf8.allSatisfy { c in
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
                    || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "/")
                    || c == UInt8(ascii: ":") || c == UInt8(ascii: "@")
            }
            guard ok else { throw fail("model", "Invalid string: must match pattern /^[\\w.\\-/:@]+$/") }
            out.set("model", s)
        }

        // §16.2: priority must be a string on the wire; an integer 0–10, higher runs first.
        if let v = input["priority"], !v.isNull {
            let p: Int
            if let i = v.intValue {
                p = i
            } else if let s = v.stringValue, let i = Int(s.trimmingSpaces) {
                p = i
            } else {
                throw fail("priority", "expected an integer 0–10 (a number or a numeric string)")
            }
            guard (0...10).contains(p) else { throw fail("priority", "must be between 0 and 10 (higher runs first)") }
            out.set("priority", String(p))
        }

        if let v = input["pricing_class"], !v.isNull {
            guard let s = v.stringValue, s.count <= 64 else { throw fail("pricing_class", "expected a string") }
            guard ["priority", "standard", "economy"].contains(s.lowercased()) else {
                throw fail(
                    "pricing_class", "must be priority, standard or economy (the server would silently use standard)")
            }
            out.set("pricing_class", s.lowercased())
        }

        if let v = input["max_duration_seconds"], !v.isNull {
            let d = try number(v, "max_duration_seconds")
            guard d > 0, d <= 86400 else { throw fail("max_duration_seconds", "must be >0 and <=86400") }
            out.set("max_duration_seconds", d == d.rounded() ? JSON.int(Int(d)) : JSON.double(d))
        }

        if let v = input["gpu_requirements"], !v.isNull {
            guard v.isObject else { throw fail("gpu_requirements", "expected an object") }
            if let m = v["min_vram_gb"], !m.isNull {
                guard let d = m.doubleValue, d > 0 else {
                    throw fail("gpu_requirements.min_vram_gb", "must be a positive number")
                }
            }
            if let g = v["gpu_type"], !g.isNull {
                guard let s = g.stringValue else { throw fail("gpu_requirements.gpu_type", "expected a string") }
                let norm = String(
                    s.uppercased().unicodeScalars.filter {
                        ($0.value >= 48 && $0.value <= 57) || ($0.value >= 65 && $0.value <= 90)
                    })
                guard SubmitSchema.gpuTypes.contains(norm) else {
                    throw fail(
                        "gpu_requirements.gpu_type",
                        "must be one of " + SubmitSchema.gpuTypes.sorted().joined(separator: ", "))
                }
            }
            out.set("gpu_requirements", v.deepCopy())
        }

        if let v = input["container_spec"], !v.isNull {
            guard v.isObject else { throw fail("container_spec", "expected an object") }
            guard v["image_type"]?.stringValue != nil else {
                throw fail("container_spec.image_type", "required (a string) whenever container_spec is given")
            }
            out.set("container_spec", v.deepCopy())
        }

        if let v = input["task_spec"], !v.isNull {
            guard v.isObject else { throw fail("task_spec", "expected an object (a raw string is rejected)") }
            out.set("task_spec", v.deepCopy())
        }
        for k in ["template_id", "bundle_id"] {
            if let v = input[k], !v.isNull {
                guard let s = v.stringValue, !s.isEmpty, s.count <= 128 else {
                    throw fail(k, "expected a string of 1–128 characters")
                }
                out.set(k, s)
            }
        }
        if let v = input["prewarm_requested"], !v.isNull {
            guard let b = v.boolValue else { throw fail("prewarm_requested", "expected a boolean") }
            // §16.3: true with a resolved provider makes the server answer 500.
            if b, let p = out["provider_id"], !p.isNull {
                throw fail(
                    "prewarm_requested",
                    "true together with provider_id makes the server fail (HTTP 500); drop one of them")
            }
            out.set("prewarm_requested", b)
        }
        if let v = input["env_vars"], !v.isNull {
            guard v.isObject, v.keys.allSatisfy({ v[$0]?.isString ?? false }) else {
                throw fail("env_vars", "expected an object of string values")
            }
            out.set("env_vars", v.deepCopy())
        }
        return out
    }

    /// §1.2: the server deletes every "<…>" and trims every string, silently.
    static func sanitiserWarnings(_ body: JSON) -> [String] {
        var out: [String] = []
        func visit(_ v: JSON, _ path: String) {
            if let s = v.stringValue {
                let u = Array(s.utf8)
                if let lt = u.firstIndex(of: UInt8(ascii: "<")), u[lt...].contains(UInt8(ascii: ">")) {
                    out.append("\(path) contains \"<…>\", which the server's input sanitiser deletes (§1.2)")
                }
                if let f = u.first, let l = u.last, [9, 10, 13, 32].contains(f) || [9, 10, 13, 32].contains(l) {
                    out.append("\(path) starts or ends with whitespace, which the server trims")
                }
                if u.contains(0) { out.append("\(path) contains NUL bytes, which the server removes") }
            } else if v.isObject {
                for k in v.keys { visit(v[k]!, path.isEmpty ? k : "\(path).\(k)") }
            } else if v.isArray {
                for (i, e) in v.elements.enumerated() { visit(e, "\(path)[\(i)]") }
            }
        }
        visit(body, "")
        return out
    }
}
