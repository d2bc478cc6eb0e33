"""getUpdates, setWebhook, deleteWebhook, getWebhookInfo."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.methods.registry import Files, Params, api_method

if TYPE_CHECKING:
    from sandbox.core import Emulator


@api_method("getUpdates")
async def get_updates(em: Emulator, params: Params, files: Files) -> list[dict[str, Any]]:
    return await em.updates.poll(
        params.get("offset"),
        params.get("limit", 100),
        params.get("timeout", 0),
        params.get("allowed_updates"),
    )


@api_method("setWebhook")
async def set_webhook(em: Emulator, params: Params, files: Files) -> bool:
    drop = bool(params.get("drop_pending_updates"))
    if not params["url"]:
        await em.updates.delete_webhook(drop)
        return True
    em.updates.set_webhook(
        params["url"],
        params.get("secret_token"),
        drop,
        params.get("allowed_updates"),
        params.get("max_connections", 40),
    )
    return True


@api_method("deleteWebhook")
async def delete_webhook(em: Emulator, params: Params, files: Files) -> bool:
    await em.updates.delete_webhook(bool(params.get("drop_pending_updates")))
    return True


@api_method("getWebhookInfo")
async def get_webhook_info(em: Emulator, params: Params, files: Files) -> dict[str, Any]:
    queue = em.updates
    if queue.webhook is None:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(queue.pending)}
    return queue.webhook.info(len(queue.pending), queue.allowed)
