//! The `x-` extensions of operations, checked against their parameters and response types.

use super::resolver::Resolver;
use crate::diagnostics::Pointer;
use crate::extensions;
use crate::model::*;
use crate::names;

impl Resolver<'_> {
    /// The struct a JSON success response decodes into, if it is one.
    pub(super) fn success_struct(&self, op: &Operation) -> Option<&Struct> {
        let BodyKind::Json(TypeRef::Named(name)) = &op.success else { return None };
        match &self.find_type(name)?.kind {
            TypeKind::Struct(structure) => Some(structure),
            _ => None,
        }
    }

    /// A response property by wire name: `(rust name, type, optional)`.
    pub(super) fn response_field(
        &mut self,
        op: &Operation,
        wire: &str,
        at: &Pointer,
    ) -> Option<(RustName, TypeRef, Presence)> {
        let Some(structure) = self.success_struct(op) else {
            self.diagnostics.push(at.as_str(), "needs an operation whose success response is a JSON object");
            return None;
        };
        match structure.fields.iter().find(|field| field.wire_name == wire) {
            Some(field) => Some((field.rust_name.clone(), field.ty.clone(), Presence::of(field))),
            None => {
                self.diagnostics.push(at.as_str(), format!("the success response has no property `{wire}`"));
                None
            }
        }
    }

    pub(super) fn is_string_like(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String => true,
            TypeRef::Named(name) => {
                self.find_type(name).is_some_and(|def| matches!(def.kind, TypeKind::Enum(_)))
            }
            _ => false,
        }
    }

    /// Resolves an operation's `x-` extensions against its parameters and response type.
    pub(super) fn link_extensions(
        &mut self,
        operations: &mut [Operation],
        index: usize,
        extensions: extensions::OperationExtensions,
    ) {
        let op = operations[index].clone();
        let at = Pointer::from_fragment(&op.pointer);
        if let Some(pagination) = extensions.pagination {
            let at = at.key("x-pagination");
            operations[index].pagination = self.pagination(&op, &pagination, &at);
        }
        for (name, waiter) in extensions.waiters {
            let waiter_at = at.key("x-waiters").key(&name);
            let Some((field, ty, field_presence)) =
                self.response_field(&op, &waiter.field, &waiter_at.key("field"))
            else {
                continue;
            };
            // Each field's problem at that field.
            let string_like = self.is_string_like(&ty);
            if !string_like {
                self.diagnostics.push(
                    waiter_at.key("field").as_str(),
                    format!("`{}` must be a string or string-enum property: a waiter compares it with the `until` values", waiter.field),
                );
            }
            if waiter.until.is_empty() {
                self.diagnostics.push(
                    waiter_at.key("until").as_str(),
                    "give at least one value to wait for (`until: [done]`)",
                );
            }
            if !string_like || waiter.until.is_empty() {
                continue;
            }
            let (progress_done, progress_pending) = match waiter.progress {
                Some(progress) => {
                    let at = waiter_at.key("progress");
                    let bad = progress.done.iter().chain(&progress.pending).find(|p| !p.starts_with('/'));
                    if let Some(bad) = bad {
                        self.diagnostics.warn(
                            at.as_str(),
                            format!("`{bad}` is not a JSON pointer into the resource (`/counts/done`); the progress is not shown"),
                        );
                        (Vec::new(), Vec::new())
                    } else {
                        (progress.done, progress.pending)
                    }
                }
                None => (Vec::new(), Vec::new()),
            };
            let method =
                format!("wait_until_{}", names::RustName::from_code(&names::value_name(&name)).as_str());
            operations[index].waiters.push(Waiter {
                method_name: self.method_scope.claim_code(&method),
                builder_method: names::RustName::from_code(&method),
                builder_name: self.type_scope.claim(&names::type_name(&method)),
                field,
                wire_field: waiter.field.clone(),
                field_presence,
                until: waiter.until,
                progress_done,
                progress_pending,
            });
        }
        if let Some(url_from) = extensions.url_from {
            let at = at.key("x-url-from");
            operations[index].url_from = self.url_from(&op, operations, &url_from, &at);
        }
    }

    pub(super) fn pagination(
        &mut self,
        op: &Operation,
        ext: &extensions::PaginationExt,
        at: &Pointer,
    ) -> Option<Pagination> {
        let (items_field, items_ty, _) = self.response_field(op, &ext.items, &at.key("items"))?;
        let TypeRef::Array(item_type) = items_ty else {
            self.diagnostics.push(at.key("items").as_str(), format!("`{}` must be an array", ext.items));
            return None;
        };
        let has_more_field = match &ext.has_more {
            Some(wire) => {
                let (field, ty, optional) = self.response_field(op, wire, &at.key("has-more"))?;
                if ty != TypeRef::Bool || optional != Presence::Always {
                    self.diagnostics
                        .push(at.key("has-more").as_str(), format!("`{wire}` must be a required boolean"));
                    return None;
                }
                Some(field)
            }
            None => None,
        };
        let mut cursor = |direction: &Option<extensions::CursorExt>, key: &str| -> Option<Option<Cursor>> {
            let Some(direction) = direction else { return Some(None) };
            let cursor_at = at.key(key);
            let (field, ty, field_presence) =
                self.response_field(op, &direction.cursor, &cursor_at.key("cursor"))?;
            let param = op
                .params
                .iter()
                .find(|p| p.wire_name == direction.parameter && p.location == ParamLocation::Query);
            // Each field's problem at that field.
            let name = &direction.parameter;
            let parameter_problem = match param {
                None => Some(format!("the operation has no query parameter `{name}`")),
                Some(param) if param.ty != TypeRef::String => {
                    Some(format!("`{name}` must be a string parameter"))
                }
                Some(param) if param.required => {
                    Some(format!("`{name}` must be optional: the first page is asked for without it"))
                }
                Some(_) => None,
            };
            if let Some(problem) = &parameter_problem {
                self.diagnostics.push(cursor_at.key("parameter").as_str(), problem.as_str());
            }
            if ty != TypeRef::String {
                self.diagnostics.push(
                    cursor_at.key("cursor").as_str(),
                    format!("`{}` must be a string property of the response", direction.cursor),
                );
            }
            match param {
                Some(param) if parameter_problem.is_none() && ty == TypeRef::String => {
                    Some(Some(Cursor { param: param.rust_name.clone(), field, field_presence }))
                }
                _ => None,
            }
        };
        let forward = cursor(&ext.forward, "forward")?;
        let backward = cursor(&ext.backward, "backward")?;
        if forward.is_none() && backward.is_none() {
            self.diagnostics.push(at.as_str(), "give at least one of `forward` and `backward`");
            return None;
        }
        Some(Pagination { items_field, item_type: *item_type, has_more_field, forward, backward })
    }

    pub(super) fn url_from(
        &mut self,
        op: &Operation,
        operations: &[Operation],
        ext: &extensions::UrlFromExt,
        at: &Pointer,
    ) -> Option<UrlFrom> {
        let Some(source) = operations.iter().find(|candidate| candidate.operation_id == ext.operation) else {
            self.diagnostics.push(
                at.key("operation").as_str(),
                format!("no operation has the operationId `{}`", ext.operation),
            );
            return None;
        };
        let (field, ty, field_presence) = self.response_field(source, &ext.field, &at.key("field"))?;
        if ty != TypeRef::String {
            self.diagnostics
                .push(at.key("field").as_str(), format!("`{}` must be a string property", ext.field));
            return None;
        }
        if source.error != op.error {
            self.diagnostics.push(at.as_str(), "both operations must have the same error body type");
            return None;
        }
        let mut arguments = Vec::new();
        for param in source.params.iter().filter(|p| p.is_argument()) {
            match op.params.iter().find(|own| own.wire_name == param.wire_name && own.ty == param.ty) {
                Some(own) => arguments.push(own.rust_name.clone()),
                None => {
                    self.diagnostics.push(
                        at.as_str(),
                        format!(
                            "`{}` needs the parameter `{}`, which this operation does not have",
                            ext.operation, param.wire_name
                        ),
                    );
                    return None;
                }
            }
        }
        let shared_setters = source
            .params
            .iter()
            .filter(|p| !p.is_argument())
            .filter(|p| {
                op.params.iter().any(|own| {
                    own.wire_name == p.wire_name
                        && own.location == p.location
                        && own.ty == p.ty
                        && own.rust_name == p.rust_name
                })
            })
            .map(|p| p.rust_name.clone())
            .collect();
        Some(UrlFrom {
            method_name: source.method_name.clone(),
            operation_id: source.operation_id.clone(),
            arguments,
            shared_setters,
            field,
            wire_field: ext.field.clone(),
            field_presence,
        })
    }
}
