//! Auto-pagination: a stream of items that fetches the next page only when the current one is
//! used up, so memory holds one page whatever the listing's length.

use super::error::Error;
use futures_core::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// One page as the paginator needs it: its items, the cursor of the next page, and whether the
/// server says there is one.
#[derive(Debug)]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    pub has_more: bool,
}

pub(crate) type PageFuture<'a, T, E> = Pin<Box<dyn Future<Output = Result<Page<T>, Error<E>>> + Send + 'a>>;
type Fetch<'a, T, E> = Box<dyn FnMut(Option<String>) -> PageFuture<'a, T, E> + Send + 'a>;

/// A stream of every item of a paginated listing, in the order the pages come.
///
/// It requests a page, yields its items, and requests the next page (passing the previous
/// page's cursor) only once they are used up; it stops when the server says there are no more
/// pages. An error ends the stream after being yielded.
#[must_use = "streams do nothing unless polled"]
pub struct Paginator<'a, T, E = serde_json::Value> {
    fetch: Fetch<'a, T, E>,
    cursor: Option<String>,
    items: std::vec::IntoIter<T>,
    in_flight: Option<PageFuture<'a, T, E>>,
    done: bool,
    pages: u32,
}

impl<T, E> std::fmt::Debug for Paginator<'_, T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("cursor", &self.cursor)
            .field("pages", &self.pages)
            .field("buffered", &self.items.len())
            .field("done", &self.done)
            .finish()
    }
}

impl<T: Unpin, E> Paginator<'_, T, E> {
    /// The next item, or `None` at the end: `while let Some(item) = items.next().await`.
    /// (The same as `StreamExt::next`, without needing the trait.)
    pub async fn next(&mut self) -> Option<Result<T, Error<E>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<'a, T, E> Paginator<'a, T, E> {
    pub(crate) fn new(
        first_cursor: Option<String>,
        fetch: impl FnMut(Option<String>) -> PageFuture<'a, T, E> + Send + 'a,
    ) -> Self {
        Self {
            fetch: Box::new(fetch),
            cursor: first_cursor,
            items: Vec::new().into_iter(),
            in_flight: None,
            done: false,
            pages: 0,
        }
    }

    /// Pages received so far (a request that failed is not counted).
    pub fn pages_fetched(&self) -> u32 {
        self.pages
    }

    /// The cursor the next page would be requested with, to resume a listing later.
    pub fn next_cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }
}

impl<T: Unpin, E> Stream for Paginator<'_, T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let cursor = this.cursor.clone();
            let fetch = &mut this.fetch;
            let future = this.in_flight.get_or_insert_with(|| fetch(cursor));
            match future.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(page)) => {
                    this.in_flight = None;
                    this.pages += 1;
                    // An empty page or a missing cursor ends the listing even if `has_more` says
                    // otherwise: asking again would return the same page forever.
                    this.done = !page.has_more || page.next_cursor.is_none() || page.items.is_empty();
                    this.cursor = page.next_cursor;
                    this.items = page.items.into_iter();
                }
                Poll::Ready(Err(error)) => {
                    this.in_flight = None;
                    this.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Page, PageFuture, Paginator};
    use crate::error::Error;
    use crate::test_support::ready;
    use std::sync::{Arc, Mutex};

    /// The cursors a paginator asked with, in order.
    type Asked = Arc<Mutex<Vec<Option<String>>>>;

    /// A paginator over scripted pages, and the cursors it asked with.
    fn paginator(
        first: Option<&str>,
        pages: Vec<Result<Page<u32>, Error>>,
    ) -> (Paginator<'static, u32>, Asked) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&asked);
        let mut pages = pages.into_iter();
        let paginator =
            Paginator::new(first.map(str::to_owned), move |cursor| -> PageFuture<'static, u32, _> {
                log.lock().unwrap().push(cursor);
                let page = pages.next().expect("no request after the last page");
                Box::pin(async move { page })
            });
        (paginator, asked)
    }

    fn page(items: &[u32], next_cursor: Option<&str>, has_more: bool) -> Result<Page<u32>, Error> {
        Ok(Page { items: items.to_vec(), next_cursor: next_cursor.map(str::to_owned), has_more })
    }

    fn collect(paginator: &mut Paginator<'static, u32>) -> Vec<Result<u32, String>> {
        let mut items = Vec::new();
        while let Some(item) = ready(paginator.next()) {
            items.push(item.map_err(|error| error.to_string()));
        }
        items
    }

    #[test]
    fn items_come_page_after_page_each_asked_with_the_last_cursor() {
        let (mut items, asked) =
            paginator(Some("start"), vec![page(&[1, 2], Some("a"), true), page(&[3], Some("b"), false)]);
        assert_eq!(collect(&mut items), [Ok(1), Ok(2), Ok(3)]);
        assert_eq!(*asked.lock().unwrap(), [Some("start".to_owned()), Some("a".to_owned())]);
        assert_eq!(items.pages_fetched(), 2);
        assert_eq!(items.next_cursor(), Some("b"));
    }

    #[test]
    fn a_missing_cursor_or_an_empty_page_ends_the_listing_whatever_has_more_says() {
        let (mut items, _) = paginator(None, vec![page(&[1], None, true)]);
        assert_eq!(collect(&mut items), [Ok(1)]);
        let (mut items, _) = paginator(None, vec![page(&[1], Some("a"), true), page(&[], Some("a"), true)]);
        assert_eq!(collect(&mut items), [Ok(1)]);
        assert_eq!(items.pages_fetched(), 2);
    }

    #[test]
    fn an_error_is_yielded_once_and_ends_the_stream() {
        let failure = Err(Error::Timeout { operation: "list" });
        let (mut items, asked) = paginator(None, vec![page(&[1], Some("a"), true), failure]);
        assert_eq!(
            collect(&mut items),
            [Ok(1), Err("list: timed out; raise the timeout or retry".to_owned())]
        );
        assert_eq!(asked.lock().unwrap().len(), 2);
        assert_eq!(items.pages_fetched(), 1, "a failed request is not counted");
    }
}
