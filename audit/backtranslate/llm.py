"""Back-translation through a model behind an OpenAI-compatible API (``--backtranslate openai:MODEL``).

Each distinct sentence is one chat request with a versioned prompt (package data,
``audit/data/prompts/backtranslate-v1.json``), at temperature 0 with a fixed seed. The first
hypothesis is that answer; with ``llm-samples N`` (N > 1) N - 1 more are sampled at temperature
0.7 (seeds seed+1…), and their agreement with the first is BTD001's confidence, as the Argos
engine's beam alternatives are. A sentence whose request fails gets no back-translation (and is
asked again next run); the stage's note counts them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from audit.backtranslate.base import Hypothesis
from audit.llm.client import Client, Endpoint, FatalLLMError, LLMError

SAMPLE_TEMPERATURE = 0.7


@lru_cache(maxsize=2)
def _prompt(name: str = "backtranslate-v1") -> dict[str, str]:
    return json.loads(resources.files("audit").joinpath("data", "prompts", f"{name}.json").read_text(encoding="utf-8"))


def _answer(text: str) -> str:
    """The translation in an answer: the text, without a code fence or quotes around it."""
    body = text.strip()
    if body.startswith("```"):
        body = body.strip("`").split("\n", 1)[-1].strip()
    if len(body) > 1 and body[0] == body[-1] and body[0] in "\"'":
        body = body[1:-1].strip()
    if not body:
        raise ValueError("empty translation")
    return body


class LLMBackTranslator:
    """A :class:`~audit.backtranslate.base.BackTranslator` on an OpenAI-compatible endpoint."""

    def __init__(self, endpoint: Endpoint, *, samples: int = 1, transport: Any = None):
        self.endpoint = endpoint
        self.samples = max(1, samples)
        self.prompt = _prompt()
        self.name = f"openai:{endpoint.model}"
        self.client = Client(endpoint, transport=transport)  # the back-translation cache keeps the answers
        self.failed: Counter[str] = Counter()

    def signature(self) -> str:
        e = self.endpoint
        return f"bt:openai:{e.model}@{e.server}|prompt:{self.prompt['version']}|temperature:0|seed:{e.seed}|samples:{self.samples}"

    def translate(self, texts: Sequence[str], n_best: int = 1) -> list[list[Hypothesis]]:
        k = min(max(1, n_best), self.samples)
        jobs = [(t, i) for t in texts for i in range(k)]

        def ask(job: tuple[str, int]) -> str:
            text, i = job
            messages = [
                {"role": "system", "content": self.prompt["system"]},
                {"role": "user", "content": self.prompt["user"].format(text=text)},
            ]
            temperature = 0.0 if i == 0 else SAMPLE_TEMPERATURE
            return self.client.chat(messages, _answer, prompt=self.prompt["version"], temperature=temperature, seed=self.endpoint.seed + i)

        answers = self.client.map(ask, jobs)
        out: list[list[Hypothesis]] = []
        for n in range(len(texts)):
            mine = answers[n * k : (n + 1) * k]
            if isinstance(mine[0], FatalLLMError):
                raise mine[0]
            if isinstance(mine[0], LLMError):
                self.failed[_reason(mine[0])] += 1
                out.append([])
                continue
            out.append([Hypothesis(a) for a in mine if isinstance(a, str)])
        return out

    def service(self) -> dict[str, Any]:
        """What it cost, for the report's ``services``; ``note`` for the stage."""
        usage = self.client.usage
        note = f"{self.name} at {self.endpoint.server}: {usage.describe()}"
        for reason, n in self.failed.most_common(3):
            note += f"; {n} sentence(s) not back-translated: {reason}"
        return {
            "engine": "openai-compatible", "model": self.endpoint.model, "server": self.endpoint.server,
            "prompt": self.prompt["version"], "signature": self.signature(), **usage.to_dict(), "note": note,
        }  # fmt: skip

    def close(self) -> None:
        self.client.close()


def _reason(exc: LLMError) -> str:
    text = str(exc)
    at = text.find(": ")
    return text[at + 2 :] if text.startswith("openai:") and at > 0 else text
