//! Security schemes → the credentials a client can be given.

use super::resolver::Resolver;
use crate::diagnostics::Pointer;
use crate::extensions;
use crate::model::*;
use crate::names::Scope;
use openapiv3::{ReferenceOr, SecurityScheme};

impl Resolver<'_> {
    /// The security schemes the document's `security` uses, each with a client setter.
    pub(super) fn auth(&mut self) -> Vec<AuthScheme> {
        let Some(requirements) = &self.document.security else {
            return Vec::new();
        };
        let mut used: Vec<&String> = requirements.iter().flat_map(|requirement| requirement.keys()).collect();
        used.dedup();
        let mut scope = Scope::default();
        let mut schemes = Vec::new();
        for scheme_name in used {
            let at = Pointer::root().key("components").key("securitySchemes").key(scheme_name);
            let scheme = self.document.components.as_ref().and_then(|c| c.security_schemes.get(scheme_name));
            let Some(ReferenceOr::Item(scheme)) = scheme else {
                self.diagnostics.push(
                    Pointer::root().key("security").as_str(),
                    format!("security scheme `{scheme_name}` is not defined in `components/securitySchemes`"),
                );
                continue;
            };
            let (setter, placement, docs) = match scheme {
                SecurityScheme::APIKey { location, name, description, .. } => {
                    let placement = match location {
                        openapiv3::APIKeyLocation::Header => AuthPlacement::Header(name.clone()),
                        openapiv3::APIKeyLocation::Query => AuthPlacement::Query(name.clone()),
                        openapiv3::APIKeyLocation::Cookie => {
                            self.diagnostics
                                .push(at.key("in").as_str(), "API keys in cookies are not supported yet");
                            continue;
                        }
                    };
                    ("api_key", placement, description.clone())
                }
                SecurityScheme::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                    ("bearer_token", AuthPlacement::Bearer, description.clone())
                }
                _ => {
                    self.diagnostics.push(
                        at.as_str(),
                        "only `apiKey` and HTTP `bearer` security schemes are supported yet",
                    );
                    continue;
                }
            };
            let setter = if scope.contains(setter) {
                scope.claim_value(scheme_name)
            } else {
                scope.claim_code(setter)
            };
            let env = match scheme {
                SecurityScheme::APIKey { extensions, .. } | SecurityScheme::HTTP { extensions, .. } => {
                    extensions::env(extensions, &at, &mut self.diagnostics)
                }
                _ => None,
            };
            schemes.push(AuthScheme { scheme: scheme_name.clone(), setter, placement, docs, env });
        }
        schemes
    }
}
