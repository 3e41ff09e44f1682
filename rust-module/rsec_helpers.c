// SPDX-License-Identifier: GPL-2.0
/*
 * Thin wrappers of static-inline kernel functions and macros, for the Rust side of rsec.
 * No logic lives here: each function is one call, declared in bindings/rsec_bindings.h.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "bindings/rsec_bindings.h"

const char *rsec_helper_kernel_release(void)
{
	return init_utsname()->release;
}

static bool rsec_param_selftest;
module_param_named(selftest, rsec_param_selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "Run the ESP transform selftest at load; a failure fails the load");

bool rsec_helper_param_selftest(void)
{
	return rsec_param_selftest;
}

void rsec_helper_crypto_free_aead(struct crypto_aead *tfm)
{
	crypto_free_aead(tfm);
}

unsigned int rsec_helper_crypto_aead_reqsize(struct crypto_aead *tfm)
{
	return crypto_aead_reqsize(tfm);
}

unsigned int rsec_helper_crypto_aead_ivsize(struct crypto_aead *tfm)
{
	return crypto_aead_ivsize(tfm);
}

unsigned int rsec_helper_crypto_aead_authsize(struct crypto_aead *tfm)
{
	return crypto_aead_authsize(tfm);
}

const char *rsec_helper_crypto_aead_driver_name(struct crypto_aead *tfm)
{
	return crypto_aead_driver_name(tfm);
}

void rsec_helper_aead_request_set_tfm(struct aead_request *req, struct crypto_aead *tfm)
{
	aead_request_set_tfm(req, tfm);
}

void rsec_helper_aead_request_set_callback(struct aead_request *req, u32 flags,
					   crypto_completion_t compl, void *data)
{
	aead_request_set_callback(req, flags, compl, data);
}

void rsec_helper_aead_request_set_crypt(struct aead_request *req, struct scatterlist *src,
					struct scatterlist *dst, unsigned int cryptlen, u8 *iv)
{
	aead_request_set_crypt(req, src, dst, cryptlen, iv);
}

void rsec_helper_aead_request_set_ad(struct aead_request *req, unsigned int assoclen)
{
	aead_request_set_ad(req, assoclen);
}

void rsec_helper_sg_set_buf(struct scatterlist *sg, const void *buf, unsigned int len)
{
	sg_set_buf(sg, buf, len);
}

struct sk_buff *rsec_helper_alloc_skb(unsigned int size, gfp_t priority)
{
	return alloc_skb(size, priority);
}

void rsec_helper_kfree_skb(struct sk_buff *skb)
{
	kfree_skb(skb);
}

void rsec_helper_consume_skb(struct sk_buff *skb)
{
	consume_skb(skb);
}

void rsec_helper_skb_reserve(struct sk_buff *skb, int len)
{
	skb_reserve(skb, len);
}

unsigned int rsec_helper_skb_headroom(const struct sk_buff *skb)
{
	return skb_headroom(skb);
}

int rsec_helper_skb_tailroom(const struct sk_buff *skb)
{
	return skb_tailroom(skb);
}

unsigned int rsec_helper_skb_headlen(const struct sk_buff *skb)
{
	return skb_headlen(skb);
}

bool rsec_helper_pskb_may_pull(struct sk_buff *skb, unsigned int len)
{
	return pskb_may_pull(skb, len);
}

int rsec_helper_pskb_trim(struct sk_buff *skb, unsigned int len)
{
	return pskb_trim(skb, len);
}

bool rsec_helper_skb_is_gso(const struct sk_buff *skb)
{
	return skb_is_gso(skb);
}

bool rsec_helper_skb_csum_partial(const struct sk_buff *skb)
{
	return skb->ip_summed == CHECKSUM_PARTIAL;
}

void rsec_helper_skb_csum_none(struct sk_buff *skb)
{
	skb->ip_summed = CHECKSUM_NONE;
}

void *rsec_helper_kmalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags);
}

void rsec_helper_memzero_explicit(void *s, size_t count)
{
	memzero_explicit(s, count);
}
