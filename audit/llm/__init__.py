"""Models behind OpenAI-compatible HTTP APIs: a reviewer, a back-translator, an embedder.

Any server that speaks the OpenAI API works (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp's
server, LM Studio): a model is named ``openai:MODEL`` and the server by ``llm-base-url``
(or ``OPENAI_BASE_URL``). Nothing is called unless a stage is configured to use it.

- :mod:`.client`: one HTTP client (concurrency, timeouts, retries, budget, cache, accounting);
- :mod:`.review`: the review stage (error spans with MQM categories and severities);
- :mod:`audit.backtranslate.llm` and :mod:`audit.embedders` use the same client.
"""

from audit.llm.client import Client, Endpoint, LLMError, Usage, endpoint_from_config

__all__ = ["Client", "Endpoint", "LLMError", "Usage", "endpoint_from_config"]
