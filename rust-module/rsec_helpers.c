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

void rsec_helper_rcu_read_lock(void)
{
	rcu_read_lock();
}

void rsec_helper_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

void rsec_helper_hlist_add_head_rcu(struct hlist_node *n, struct hlist_head *h)
{
	hlist_add_head_rcu(n, h);
}

void rsec_helper_hlist_del_rcu(struct hlist_node *n)
{
	hlist_del_rcu(n);
}

struct hlist_node *rsec_helper_hlist_first_rcu(struct hlist_head *h)
{
	return rcu_dereference(hlist_first_rcu(h));
}

struct hlist_node *rsec_helper_hlist_next_rcu(struct hlist_node *n)
{
	return rcu_dereference(hlist_next_rcu(n));
}

void *rsec_helper_net_generic(const struct net *net, unsigned int id)
{
	return net_generic(net, id);
}

struct net *rsec_helper_genl_info_net(const struct genl_info *info)
{
	return genl_info_net(info);
}

const struct genl_info *rsec_helper_genl_info_dump(struct netlink_callback *cb)
{
	return genl_info_dump(cb);
}

void *rsec_helper_nlmsg_attrdata(const struct nlmsghdr *nlh, int hdrlen)
{
	return nlmsg_attrdata(nlh, hdrlen);
}

int rsec_helper_nlmsg_attrlen(const struct nlmsghdr *nlh, int hdrlen)
{
	return nlmsg_attrlen(nlh, hdrlen);
}

struct sk_buff *rsec_helper_genlmsg_new(size_t payload)
{
	return genlmsg_new(payload, GFP_KERNEL);
}

void rsec_helper_nlmsg_free(struct sk_buff *skb)
{
	nlmsg_free(skb);
}

void *rsec_helper_genlmsg_iput(struct sk_buff *skb, const struct genl_info *info, int flags)
{
	return __genlmsg_iput(skb, info, flags);
}

void rsec_helper_genlmsg_end(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
}

void rsec_helper_genlmsg_cancel(struct sk_buff *skb, void *hdr)
{
	genlmsg_cancel(skb, hdr);
}

int rsec_helper_genlmsg_reply(struct sk_buff *skb, struct genl_info *info)
{
	return genlmsg_reply(skb, info);
}

struct nlattr *rsec_helper_nla_nest_start(struct sk_buff *skb, int attrtype)
{
	return nla_nest_start(skb, attrtype);
}

int rsec_helper_nla_nest_end(struct sk_buff *skb, struct nlattr *start)
{
	return nla_nest_end(skb, start);
}

void rsec_helper_nla_nest_cancel(struct sk_buff *skb, struct nlattr *start)
{
	nla_nest_cancel(skb, start);
}

unsigned int rsec_helper_skb_len(const struct sk_buff *skb)
{
	return skb->len;
}

time64_t rsec_helper_ktime_get_boottime_seconds(void)
{
	return ktime_get_boottime_seconds();
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

unsigned char *rsec_helper_skb_data(const struct sk_buff *skb)
{
	return skb->data;
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
