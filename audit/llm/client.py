"""One client for OpenAI-compatible endpoints: chat completions and embeddings.

- **Settings** (:class:`Endpoint`): the model, the server (``llm-base-url``, else
  ``OPENAI_BASE_URL``, else OpenAI's), the *name* of the environment variable holding the key
  (``OPENAI_API_KEY`` unless ``llm-api-key-env`` names another), a concurrency limit, a timeout,
  retries, and a budget of requests and tokens.
- **Deterministic**: temperature 0 and a fixed seed (servers that ignore the seed still answer).
- **Retries** with exponential back-off on 408/409/429/5xx, timeouts and dropped connections,
  honouring ``Retry-After``; a refused key, an unknown model or a wrong URL stop the stage at
  once (:class:`FatalLLMError`), other failures cost the one request they belong to.
- **Cache**: answers are kept in the SQLite cache keyed by model, server, prompt version and the
  whole request; only answers the caller could read are kept, so a malformed one is asked again.
- **Accounting** (:class:`Usage`): requests, answers from cache, failures, retries, tokens and
  seconds, for the report.

The key is sent in the ``Authorization`` header and nowhere else: it is never part of a cache
key, an error message (server messages are scrubbed of it) or a report.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from audit.errors import AuditError, MissingExtraError, UsageError

SCHEME = "openai:"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_KEY_ENV = "OPENAI_API_KEY"
RETRY_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
FATAL_STATUS = frozenset({401, 403, 404})
MAX_RETRY_AFTER = 60.0
EMBED_BATCH = 64

T = TypeVar("T")


class LLMError(AuditError):
    """A request that did not give a usable answer (after its retries)."""


class FatalLLMError(LLMError):
    """The endpoint refuses every request (key, model, URL): the stage stops."""


class BudgetExhausted(LLMError):
    """The configured request or token budget is spent."""


def model_of(spec: str | None) -> str | None:
    """``openai:MODEL`` → ``MODEL``; None for anything else."""
    if spec and spec.startswith(SCHEME) and spec[len(SCHEME) :].strip():
        return spec[len(SCHEME) :].strip()
    return None


@dataclass(frozen=True)
class Endpoint:
    model: str
    base_url: str = DEFAULT_BASE_URL
    api_key_env: str = DEFAULT_KEY_ENV
    timeout: float = 60.0
    concurrency: int = 4
    retries: int = 4
    backoff: float = 1.0  # seconds before the first retry, doubled at each
    max_requests: int | None = None
    max_tokens: int | None = None
    seed: int = 0

    @property
    def server(self) -> str:
        """The base URL without credentials, query or fragment: what reports and signatures show."""
        parts = urlsplit(self.base_url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))

    def describe(self) -> str:
        return f"{SCHEME}{self.model} at {self.server}"

    def key(self) -> str | None:
        return os.environ.get(self.api_key_env) or None


def endpoint_from_config(spec: str, cfg: Any) -> Endpoint:
    """The endpoint ``openai:MODEL`` names, with the server and limits of the configuration
    (:class:`audit.config.Config`)."""
    model = model_of(spec)
    if model is None:
        raise UsageError(f"'{spec}' is not an OpenAI-compatible model: write openai:MODEL")
    base = getattr(cfg, "llm_base_url", None) or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"llm-base-url {parts.scheme or '?'}://{parts.hostname or '?'}…: not an http(s) URL")
    return Endpoint(
        model=model,
        base_url=base,
        api_key_env=getattr(cfg, "llm_api_key_env", None) or DEFAULT_KEY_ENV,
        timeout=float(getattr(cfg, "llm_timeout", 60.0)),
        concurrency=int(getattr(cfg, "llm_concurrency", 4)),
        max_requests=getattr(cfg, "llm_max_requests", None),
        max_tokens=getattr(cfg, "llm_max_tokens", None),
        seed=int(getattr(cfg, "llm_seed", 0)),
    )


@dataclass
class Usage:
    """What a stage cost: for the report (``services``) and the stage's note."""

    requests: int = 0  # HTTP requests sent, retries included
    answers: int = 0  # answers used (fresh or cached)
    cached: int = 0  # of which from the cache
    failed: int = 0  # calls that gave no usable answer
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0  # time spent waiting for the server

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        return d

    def describe(self) -> str:
        tokens = self.prompt_tokens + self.completion_tokens
        return (
            f"{self.requests} request(s), {self.cached} answer(s) from cache, {tokens} token(s), {self.seconds:.1f} s"
            + (f", {self.retries} retried" if self.retries else "")
            + (f", {self.failed} failed" if self.failed else "")
        )


def redact(text: str, secret: str | None) -> str:
    """``text`` (a server's message) on one line, short, and without the key or anything shaped like one."""
    if secret:
        text = text.replace(secret, "[key]")
    text = re.sub(r"\b(sk|key|token)-[A-Za-z0-9_\-*.]{6,}", "[key]", text)
    text = " ".join(text.split())
    return text[:200] + ("…" if len(text) > 200 else "")


@dataclass
class _Budget:
    max_requests: int | None
    max_tokens: int | None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """Talks to one endpoint; safe to share between threads. Close it (or use ``with``)."""

    def __init__(self, endpoint: Endpoint, *, cache_path: Path | None = None, transport: Any = None):
        try:
            import httpx
        except ImportError:
            raise MissingExtraError(f"an OpenAI-compatible model ({endpoint.describe()})", "llm") from None
        self.endpoint = endpoint
        self.usage = Usage()
        self.structured = True  # the server takes response_format json_schema, until it says not
        self._key = endpoint.key()
        headers = {"Content-Type": "application/json", "User-Agent": "mt-audit"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        self._http = httpx.Client(
            base_url=endpoint.base_url.rstrip("/") + "/", headers=headers, timeout=httpx.Timeout(endpoint.timeout),
            transport=transport, follow_redirects=False,
        )  # fmt: skip
        self._lock = threading.Lock()
        self._budget = _Budget(endpoint.max_requests, endpoint.max_tokens)
        self._cache: Any = None
        if cache_path is not None:
            from audit.backtranslate.cache import Cache

            self._cache = Cache(cache_path, threads=True)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()
        if self._cache is not None:
            self._cache.close()

    @property
    def cache_problem(self) -> str | None:
        return self._cache.problem if self._cache is not None else None

    # -- chat ---------------------------------------------------------------------------------

    def chat(
        self,
        messages: Sequence[Mapping[str, str]],
        parse: Callable[[str], T],
        *,
        prompt: str,
        schema: Mapping[str, Any] | None = None,
        temperature: float = 0.0,
        seed: int | None = None,
        max_tokens: int | None = None,
    ) -> T:
        """Ask once (through the cache) and return ``parse(answer)``. ``prompt`` names the
        prompt and its version (part of the cache key); ``schema`` asks for structured output
        where the server supports it. An answer ``parse`` refuses (ValueError) raises
        :class:`LLMError` and is not cached."""
        seed = self.endpoint.seed if seed is None else seed
        body: dict[str, Any] = {"model": self.endpoint.model, "messages": [dict(m) for m in messages], "temperature": temperature, "seed": seed}
        if max_tokens:
            body["max_tokens"] = max_tokens
        key = self._cache_key(prompt, body)
        if self._cache is not None:
            hit = self._cache.get_text("llm", key)
            if hit is not None:
                try:
                    value = parse(hit)
                except ValueError:
                    pass  # a parser that changed since: ask again
                else:
                    with self._lock:
                        self.usage.cached += 1
                        self.usage.answers += 1
                    return value
        try:
            content = self._complete(body, schema)
            value = parse(content)
        except ValueError as exc:
            self._count(failed=1)
            raise LLMError(f"{self.endpoint.describe()}: unreadable answer ({redact(str(exc), self._key)})") from None
        except LLMError:
            self._count(failed=1)
            raise
        if self._cache is not None:
            self._cache.put_text("llm", key, content)
        self._count(answers=1)
        return value

    def _complete(self, body: dict[str, Any], schema: Mapping[str, Any] | None) -> str:
        if schema is not None and self.structured:
            structured = {**body, "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}}
            try:
                data = self._post("chat/completions", structured)
            except _Refused as exc:  # 400/422: a server without structured output
                if "response_format" not in exc.message and "json_schema" not in exc.message and exc.status != 422:
                    raise LLMError(exc.message) from None
                self.structured = False
                data = self._post("chat/completions", body)
        else:
            data = self._post("chat/completions", body)
        try:
            choice = data["choices"][0]
            content = choice["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise LLMError(f"{self.endpoint.describe()}: answer without choices[0].message.content") from None
        self._tokens(data)
        if not isinstance(content, str) or not content.strip():
            raise ValueError("empty answer" + (f" (finish_reason {choice.get('finish_reason')})" if isinstance(choice, dict) else ""))
        return content

    # -- embeddings ---------------------------------------------------------------------------

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order (batched requests)."""
        out: list[list[float]] = []
        for i in range(0, len(texts), EMBED_BATCH):
            batch = list(texts[i : i + EMBED_BATCH])
            data = self._post("embeddings", {"model": self.endpoint.model, "input": batch})
            try:
                rows = sorted(data["data"], key=lambda r: r.get("index", 0))
                vectors = [[float(x) for x in r["embedding"]] for r in rows]
            except (KeyError, TypeError, ValueError, AttributeError):
                raise LLMError(f"{self.endpoint.describe()}: embeddings answer without data[].embedding") from None
            if len(vectors) != len(batch) or len({len(v) for v in vectors}) > 1:
                raise LLMError(f"{self.endpoint.describe()}: {len(vectors)} vectors for {len(batch)} texts")
            self._tokens(data)
            self._count(answers=len(batch))
            out.extend(vectors)
        return out

    # -- many calls at once -------------------------------------------------------------------

    def map(self, call: Callable[[Any], T], items: Sequence[Any]) -> list[T | LLMError]:
        """``call`` on every item, ``concurrency`` at a time; each result or the LLMError it
        raised, in order. A :class:`FatalLLMError` stops the rest and is raised."""
        results: list[T | LLMError] = [LLMError("not run")] * len(items)
        stop = threading.Event()

        def one(i: int) -> None:
            if stop.is_set():
                return
            try:
                results[i] = call(items[i])
            except FatalLLMError:
                stop.set()
                raise
            except LLMError as exc:
                results[i] = exc
                if isinstance(exc, BudgetExhausted):
                    stop.set()

        with ThreadPoolExecutor(max_workers=max(1, self.endpoint.concurrency)) as pool:
            futures = [pool.submit(one, i) for i in range(len(items))]
            for fut in futures:
                fut.result()  # re-raises a FatalLLMError once the pool has drained
        return results

    # -- HTTP ---------------------------------------------------------------------------------

    def _post(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        import httpx

        for attempt in range(self.endpoint.retries + 1):
            self._spend()
            clock = time.perf_counter()
            wait: float | None
            try:
                resp = self._http.post(path, content=json.dumps(body, ensure_ascii=False).encode("utf-8"))
            except httpx.TimeoutException:
                problem, wait = f"no answer within {self.endpoint.timeout:g} s", None
            except httpx.TransportError as exc:
                problem, wait = f"connection failed ({type(exc).__name__})", None
            else:
                if 200 <= resp.status_code < 300:
                    try:
                        data = resp.json()
                    except ValueError:
                        raise LLMError(f"{self.endpoint.describe()}: answer is not JSON") from None
                    if not isinstance(data, dict):
                        raise LLMError(f"{self.endpoint.describe()}: answer is not a JSON object")
                    return data
                message = self._error_message(resp)
                if resp.status_code in FATAL_STATUS:
                    raise FatalLLMError(f"{self.endpoint.describe()}: HTTP {resp.status_code}: {message}")
                if resp.status_code not in RETRY_STATUS:
                    raise _Refused(resp.status_code, f"{self.endpoint.describe()}: HTTP {resp.status_code}: {message}")
                problem, wait = f"HTTP {resp.status_code}: {message}", _retry_after(resp.headers.get("retry-after"))
            finally:
                self._count(seconds=time.perf_counter() - clock)
            if attempt == self.endpoint.retries:
                raise LLMError(f"{self.endpoint.describe()}: {problem} (after {attempt + 1} tries)")
            self._count(retries=1)
            time.sleep(wait if wait is not None else self.endpoint.backoff * (2**attempt))
        raise AssertionError("unreachable")

    def _error_message(self, resp: Any) -> str:
        try:
            data = resp.json()
            err = data.get("error", data) if isinstance(data, dict) else data
            text = err.get("message", "") if isinstance(err, dict) else str(err)
        except ValueError:
            text = resp.text
        return redact(str(text), self._key) or resp.reason_phrase or "error"

    def _spend(self) -> None:
        b = self._budget
        with b.lock:
            if b.max_requests is not None and self.usage.requests >= b.max_requests:
                raise BudgetExhausted(f"request budget of {b.max_requests} spent (llm-max-requests)")
            if b.max_tokens is not None and self.usage.prompt_tokens + self.usage.completion_tokens >= b.max_tokens:
                raise BudgetExhausted(f"token budget of {b.max_tokens} spent (llm-max-tokens)")
            self.usage.requests += 1

    def _tokens(self, data: Mapping[str, Any]) -> None:
        usage = data.get("usage")
        if isinstance(usage, dict):
            p, c = usage.get("prompt_tokens"), usage.get("completion_tokens")
            self._count(
                prompt_tokens=p if isinstance(p, int) else 0,
                completion_tokens=c if isinstance(c, int) else 0,
            )

    def _count(self, **amounts: float) -> None:
        with self._lock:
            for name, amount in amounts.items():
                setattr(self.usage, name, getattr(self.usage, name) + amount)

    def _cache_key(self, prompt: str, body: Mapping[str, Any]) -> str:
        request = json.dumps(body, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(f"{self.endpoint.server}\0{prompt}\0{request}".encode()).hexdigest()


class _Refused(LLMError):
    """A 4xx the server gives for this request only (often: an option it does not know)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, min(MAX_RETRY_AFTER, float(value)))
    except ValueError:
        return None  # an HTTP date: back off as usual
